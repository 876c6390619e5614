// The permission table of core/roles.h (SPEC 6), mirrored so the console
// hides what a role cannot do. The server still decides: a hidden button is
// a courtesy, the 403 is the rule.
const TRIAGE = ['l1', 'l2', 'l3', 'manager'];
const ESCALATE = ['l1', 'l2', 'manager'];
const WORKFLOW = ['manager', 'admin'];
const AUDIT = ['manager', 'admin', 'auditor'];
const TIER = {l1: 1, l2: 2, l3: 3, manager: 3};

export function can(me, action) {
  const role = me && me.user ? me.user.role : null;
  switch (action) {
    case 'triage': return TRIAGE.includes(role);
    case 'escalate': return ESCALATE.includes(role);
    case 'workflow': return WORKFLOW.includes(role);
    case 'users': return role === 'admin';
    case 'audit': return AUDIT.includes(role);
    default: return false;
  }
}

export function maxTier(me) {
  return (me && me.user && TIER[me.user.role]) || 0;
}

// May this user work (comment, tasks, resolve…) a case of tier "L1".."L3"?
export function canWork(me, caseTier) {
  const t = Number(String(caseTier || '').replace('L', '')) || 9;
  return maxTier(me) >= t;
}
