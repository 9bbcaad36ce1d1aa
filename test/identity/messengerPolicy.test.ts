import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { backofficePerson } from './loginFlow.ts';
import { messengerLogIn, startMessenger } from './messengerFlow.ts';

let context: TestContext;
beforeAll(async () => {
  context = await startTestContext({ identity: { requireSecondFactorForEveryone: true } });
});
afterAll(async () => {
  await context.close();
});

describe('second factor for everyone', () => {
  it('makes a plain person enroll TOTP when the policy says so', async () => {
    const person = await backofficePerson(context, null);
    const start = await startMessenger(context, person.username as string);
    expect(start.status).toBe(200);
    expect(start.body.next).toBe('totp_enroll');
    expect(start.body.session).toBeUndefined();
    const done = await messengerLogIn(context, person.username as string);
    expect(done.token).toBeTruthy();
    expect(done.recoveryCodes).toHaveLength(10);
  });
});
