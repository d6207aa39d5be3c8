// DingTalk v1.0 CRM through the official Node SDK, unchanged, against the emulator
// (docs/dingtalk-v1.md). Install the SDK and run it against a server:
//
//   npm install @alicloud/dingtalk@2.2.27 @alicloud/openapi-client@0.4.15 @alicloud/tea-util@1.4.11
//   node dingtalk-v1.mjs http://127.0.0.1:8080
//
// It gets a token with the well-known app key, creates a customer, pages through the
// corp's customers and reads the new one back; an error comes back as an exception
// with the v1.0 `code`. tests/clients/run.sh runs it in CI.
import crmModule from '@alicloud/dingtalk/dist/crm_1_0/client.js';
import oauthModule from '@alicloud/dingtalk/dist/oauth2_1_0/client.js';
import openApi from '@alicloud/openapi-client';
import teaUtil from '@alicloud/tea-util';

const base = new URL(process.argv[2] ?? 'http://127.0.0.1:8080');
// The SDK takes a host and a protocol; its own default protocol is plain HTTP.
const config = () => new openApi.Config({ endpoint: base.host, protocol: 'http' });
const runtime = new teaUtil.RuntimeOptions({});
const crm = crmModule;
const oauth = oauthModule;

const tokenReply = await new oauth.default(config()).getAccessToken(
  new oauth.GetAccessTokenRequest({ appKey: 'dingemulatorkey', appSecret: 'emulator-secret' }),
);
const token = tokenReply.body.accessToken;
const client = new crm.default(config());
const headers = (Kind) => new Kind({ xAcsDingtalkAccessToken: token });

const created = await client.addCrmPersonalCustomerWithOptions(
  new crm.AddCrmPersonalCustomerRequest({
    creatorUserId: 'node-user',
    data: { customer_name: 'Node Corp', customer_phone: '0571-2' },
  }),
  headers(crm.AddCrmPersonalCustomerHeaders),
  runtime,
);
const id = created.body.instanceId;

let nextToken;
const seen = [];
do {
  const page = await client.queryCrmPersonalCustomerWithOptions(
    new crm.QueryCrmPersonalCustomerRequest({ maxResults: 100, nextToken }),
    headers(crm.QueryCrmPersonalCustomerHeaders),
    runtime,
  );
  seen.push(...page.body.values.map((v) => v.instanceId));
  nextToken = page.body.hasMore ? page.body.nextToken : undefined;
} while (nextToken);
if (!seen.includes(id)) throw new Error(`customer ${id} not in the pages`);

const listed = await client.listCrmPersonalCustomersWithOptions(
  new crm.ListCrmPersonalCustomersRequest({ body: [id] }),
  headers(crm.ListCrmPersonalCustomersHeaders),
  runtime,
);
const name = listed.body.result[0].data.customer_name;
if (name !== 'Node Corp') throw new Error(`read back ${name}`);

let code;
try {
  await client.deleteCrmPersonalCustomerWithOptions(
    '404404404404404404',
    new crm.DeleteCrmPersonalCustomerRequest({ currentOperatorUserId: 'node-user' }),
    headers(crm.DeleteCrmPersonalCustomerHeaders),
    runtime,
  );
} catch (err) {
  code = err.code;
}
if (code !== 'data.not.exists') throw new Error(`expected data.not.exists, got ${code}`);

console.log(`customer ${id} created, paged (${seen.length} in all) and read back`);
console.log('3 passed, 0 failed');
