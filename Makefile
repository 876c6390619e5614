# Watchfloor: two commands on a fresh Debian 12 machine.
#   make run   installs what is missing, builds, initialises ./var/, serves on 127.0.0.1:8080
#   make test  installs what is missing, builds, runs every test through ctest
BUILD_DIR  ?= build
BUILD_TYPE ?= Release
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=

ifeq ($(CI),true)
  CMAKE_ARGS += -DWATCHFLOOR_WERROR=ON
endif

CONFIGURE = cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
            -DCMAKE_CXX_COMPILER_LAUNCHER=ccache $(CMAKE_ARGS)

.PHONY: deps build run test check fuzz sanitize bench clean help

help:
	@echo "make run       build and serve on 127.0.0.1:8080 (creates ./var/ on first run)"
	@echo "make test      build and run every test through ctest (incl. 10 s of fuzzing per parser)"
	@echo "make sanitize  build with address+undefined sanitizers in build-asan/ and run the tests"
	@echo "make fuzz      build the libFuzzer targets (clang) and run each FUZZ_SECONDS (default 600)"
	@echo "make clean     remove build directories (keeps ./var/)"

deps:
	@scripts/deps.sh

build: deps
	@$(CONFIGURE) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS) -- --no-print-directory

run: build
	@scripts/run.sh $(BUILD_DIR)/api/watchfloor

FUZZ_SECONDS ?= 600

# Every test through ctest, the bounded fuzz runs included (tests/CMakeLists.txt).
test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The same without the fuzz runs: what `make sanitize` runs.
check: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -LE fuzz

fuzz: deps
	@scripts/fuzz.sh $(FUZZ_SECONDS)

sanitize:
	@$(MAKE) --no-print-directory check BUILD_DIR=build-asan BUILD_TYPE=Debug \
	  CMAKE_ARGS="-DWATCHFLOOR_SANITIZE=address,undefined"

clean:
	rm -rf build build-asan build-fuzz
