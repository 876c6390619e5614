#include "core/audit.h"

#include <fmt/format.h>

#include "core/crypto.h"

namespace wf::audit {

namespace {

constexpr char kLastHashSql[] = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
constexpr char kInsertSql[] =
    "INSERT INTO audit_log (seq, time, actor, action, object_type, object_id, request_id, "
    "remote_addr, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kVerifySql[] =
    "SELECT seq, time, actor, action, object_type, object_id, request_id, remote_addr, details, "
    "prev_hash, hash FROM audit_log ORDER BY seq";

// Length-prefixed fields: no separator inside a field can shift another.
void AddField(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ';';
}

Record ReadRecord(const db::Statement& st) {
  Record r;
  r.seq = st.Int64(0);
  r.time = st.Int64(1);
  r.actor = st.Text(2);
  r.action = st.Text(3);
  r.object_type = st.Text(4);
  r.object_id = st.Text(5);
  r.request_id = st.Text(6);
  r.remote_addr = st.Text(7);
  r.details_json = st.Text(8);
  r.prev_hash = st.Text(9);
  r.hash = st.Text(10);
  return r;
}

}  // namespace

std::string ComputeHash(const Record& r) {
  std::string buf;
  buf.reserve(256 + r.details_json.size());
  AddField(buf, r.prev_hash);
  AddField(buf, std::to_string(r.seq));
  AddField(buf, std::to_string(r.time));
  AddField(buf, r.actor);
  AddField(buf, r.action);
  AddField(buf, r.object_type);
  AddField(buf, r.object_id);
  AddField(buf, r.request_id);
  AddField(buf, r.remote_addr);
  AddField(buf, r.details_json);
  return crypto::Sha256Hex(buf);
}

Status Append(db::Database& db, const Context& ctx, const Entry& entry, int64_t now_ms) {
  Record r;
  {
    WF_ASSIGN_OR_RETURN(db::Statement * last, db.Cached(kLastHashSql));
    WF_ASSIGN_OR_RETURN(bool row, last->Step());
    r.seq = row ? last->Int64(0) + 1 : 1;
    r.prev_hash = row ? last->Text(1) : std::string(64, '0');
    last->Reset();
  }
  r.time = now_ms;
  r.actor = ctx.actor;
  r.action = entry.action;
  r.object_type = entry.object_type;
  r.object_id = entry.object_id;
  r.request_id = ctx.request_id;
  r.remote_addr = ctx.remote_addr;
  r.details_json = entry.details_json.empty() ? "{}" : entry.details_json;
  r.hash = ComputeHash(r);
  WF_ASSIGN_OR_RETURN(db::Statement * ins, db.Cached(kInsertSql));
  ins->BindAll(r.seq, r.time, r.actor, r.action, r.object_type, r.object_id, r.request_id,
               r.remote_addr, r.details_json, r.prev_hash, r.hash);
  return ins->Run();
}

Result<std::vector<Record>> List(db::Database& db, const Query& q) {
  std::string sql =
      "SELECT seq, time, actor, action, object_type, object_id, request_id, remote_addr, "
      "details, prev_hash, hash FROM audit_log WHERE 1=1";
  std::vector<std::string> text_args;
  std::vector<int64_t> int_args;
  // Bind order: text filters first, then integer filters, as appended here.
  if (q.actor) { sql += " AND actor = ?"; text_args.push_back(*q.actor); }
  if (q.action) { sql += " AND action = ?"; text_args.push_back(*q.action); }
  if (q.object_type) { sql += " AND object_type = ?"; text_args.push_back(*q.object_type); }
  if (q.object_id) { sql += " AND object_id = ?"; text_args.push_back(*q.object_id); }
  if (q.since) { sql += " AND time >= ?"; int_args.push_back(*q.since); }
  if (q.until) { sql += " AND time < ?"; int_args.push_back(*q.until); }
  if (q.before_seq) { sql += " AND seq < ?"; int_args.push_back(*q.before_seq); }
  sql += " ORDER BY seq DESC LIMIT ?";
  WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(sql));
  int i = 0;
  for (const auto& t : text_args) st.Bind(++i, t);
  for (int64_t v : int_args) st.Bind(++i, v);
  st.Bind(++i, static_cast<int64_t>(q.limit));
  std::vector<Record> out;
  for (;;) {
    WF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadRecord(st));
  }
  return out;
}

Result<Verification> Verify(db::Database& db) {
  Verification v;
  WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(kVerifySql));
  std::string prev_hash(64, '0');
  int64_t expected_seq = 1;
  for (;;) {
    WF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Record r = ReadRecord(st);
    ++v.checked;
    std::string reason;
    if (r.seq != expected_seq) {
      reason = fmt::format("sequence gap: expected seq {}, found {}", expected_seq, r.seq);
    } else if (!crypto::ConstantTimeEquals(r.prev_hash, prev_hash)) {
      reason = "prev_hash does not match the previous record's hash";
    } else if (!crypto::ConstantTimeEquals(ComputeHash(r), r.hash)) {
      reason = "hash does not match the record's contents (the record was altered)";
    }
    if (!reason.empty()) {
      v.ok = false;
      v.first_broken_seq = r.seq;
      v.reason = std::move(reason);
      return v;
    }
    prev_hash = r.hash;
    expected_seq = r.seq + 1;
  }
  v.head_hash = v.checked ? prev_hash : "";
  return v;
}

}  // namespace wf::audit
