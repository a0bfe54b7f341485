import { text } from 'node:stream/consumers';
import { describePasswordProblems, passwordProblems } from '../../lib/auth/passwords.js';
import { loadConfig } from '../../lib/config.js';
import { openOrm } from '../orm.js';
import { seedOperator } from './seed-operators.js';

/** `npm run operator:add -- <email> <name> [agent|admin] < password-file` — creates an agent-console operator. */
async function main(argv: string[]): Promise<number> {
  const [email, name, role = 'agent'] = argv;
  if (!email || !name || (role !== 'agent' && role !== 'admin')) {
    console.error('usage: npm run operator:add -- <email> <name> [agent|admin]   (the password is read from standard input)');
    return 2;
  }
  const password = (await text(process.stdin)).trim();
  const problems = passwordProblems(password, email);
  if (problems.length > 0) {
    console.error(describePasswordProblems(problems));
    return 2;
  }
  const orm = await openOrm(loadConfig().database);
  try {
    const created = await seedOperator(orm.em.fork(), { email, name, password, role });
    console.log(created ? `operator ${email.toLowerCase()} created (${role})` : `an operator with the email ${email.toLowerCase()} already exists`);
    return created ? 0 : 1;
  } finally {
    await orm.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
