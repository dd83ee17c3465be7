// The staff accounts the e2e suites sign in with. Their passwords are made up on first use and kept under .var (never
// committed): a password in the repository would work on every stack the suites ever created these accounts on.
// A fresh set gets fresh usernames too, so a stack that still holds an earlier set is no obstacle.
'use strict';
const { randomBytes } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

/** 15 characters of four classes: accepted by the staff password rules, rated 强. */
const generatedPassword = () => `Tp#${randomBytes(5).toString('hex')}Q9`;

const staffFile = (varDir) => path.join(varDir, 'e2e', 'staff.json');

/** The set in `<varDir>/e2e/staff.json`, made (mode 0600) when absent. */
function e2eStaff(varDir) {
  const file = staffFile(varDir);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const tag = randomBytes(3).toString('hex');
  const staff = ['finance', 'member_admin'].map((role) => ({ username: `e2e_${role}_${tag}`, password: generatedPassword(), roles: [role] }));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(staff, null, 2)}\n`, { mode: 0o600 });
  return staff;
}

module.exports = { e2eStaff, generatedPassword, staffFile };
