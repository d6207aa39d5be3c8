#!/usr/bin/env python3
"""DingTalk v1.0 through the official Python SDK, unchanged, against the emulator.

    python tests/clients/dingtalk_v1_sdk.py http://127.0.0.1:PORT

Drives only `alibabacloud-dingtalk` (the SDK DingTalk publishes) for the v1.0 API:
a token, every operation of docs/dingtalk-v1.md#operations, each answer parsed into
its model (`body` not None, the fields right), paging through 250+ customers, an error
raised as TeaException with its `code`. Then interop with the old API through the old
`dingtalk-sdk` package: it has no CRM calls, so its own client (token handling,
`access_token` on every call, errcode checks) sends the /crm/* requests with its
generic `get`/`post`. Prints `N passed, 0 failed` and exits 0, or stops at the first
failure with a traceback.
"""
import sys
from urllib.parse import urlparse

from alibabacloud_dingtalk.crm_1_0 import models as crm
from alibabacloud_dingtalk.crm_1_0.client import Client as CrmClient
from alibabacloud_dingtalk.oauth2_1_0 import models as oauth
from alibabacloud_dingtalk.oauth2_1_0.client import Client as OAuthClient
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_util import models as util_models
from Tea.exceptions import TeaException

APP_KEY, APP_SECRET = "dingemulatorkey", "emulator-secret"
CORPID, CORPSECRET = "dingemulator", "emulator-secret"
USER = "sdk-user"
PASSED = []


def check(name):
    def wrap(fn):
        fn()
        PASSED.append(name)
        print(f"ok  {name}")
        return fn
    return wrap


def config(base):
    host = urlparse(base).netloc
    return open_api_models.Config(endpoint=host, protocol="http")


def parsed(response):
    """The body of an SDK response, which must have fitted its model."""
    assert response.body is not None, "the answer did not fit the SDK's model"
    assert response.status_code == 200, response.status_code
    response.body.validate()
    return response.body


def main(base):
    runtime = util_models.RuntimeOptions()
    oauth_client = OAuthClient(config(base))
    client = CrmClient(config(base))
    state = {}

    @check("GetAccessToken")
    def _():
        body = parsed(oauth_client.get_access_token(
            oauth.GetAccessTokenRequest(app_key=APP_KEY, app_secret=APP_SECRET)))
        assert body.access_token and body.expire_in > 0, body.to_map()
        state["token"] = body.access_token

    def headers(kind):
        h = kind()
        h.x_acs_dingtalk_access_token = state["token"]
        return h

    @check("GetAccessToken with a wrong secret raises invalidClientIdOrSecret")
    def _():
        try:
            oauth_client.get_access_token(oauth.GetAccessTokenRequest(app_key=APP_KEY, app_secret="wrong"))
        except TeaException as err:
            assert code_of(err) == "invalidClientIdOrSecret", vars(err)
        else:
            raise AssertionError("no exception")

    @check("CreateCustomer")
    def _():
        request = crm.CreateCustomerRequest(
            creator_user_id=USER,
            data={"customer_name": "SDK Corp", "customer_phone": "0571-1",
                  "custom_key": "kept"},
            extend_data={"source": "sdk"},
            permission=crm.CreateCustomerRequestPermission(participant_staff_ids=["helper"]),
            contacts=[crm.CreateCustomerRequestContacts(data={"contact_name": "Li", "contact_phone": "139"})],
            save_option=crm.CreateCustomerRequestSaveOption(skip_duplicate_check=False,
                                                            throw_exception_while_saving_contact_failed=True),
        )
        body = parsed(client.create_customer_with_options(request, headers(crm.CreateCustomerHeaders), runtime))
        assert body.customer_instance_id and body.object_type == "crm_customer", body.to_map()
        assert len(body.contacts) == 1 and body.contacts[0].contact_instance_id, body.to_map()
        state["customer"] = body.customer_instance_id
        state["contact"] = body.contacts[0].contact_instance_id

    @check("AddCrmPersonalCustomer")
    def _():
        request = crm.AddCrmPersonalCustomerRequest(
            creator_user_id=USER, creator_nick="Sdk", relation_type="crm_customer_personal",
            data={"customer_name": "Zhang San", "customer_address": {"value": "杭州", "extendValue": "{\"code\":1}"}},
            permission=crm.AddCrmPersonalCustomerRequestPermission(owner_staff_ids=[USER]))
        body = parsed(client.add_crm_personal_customer_with_options(
            request, headers(crm.AddCrmPersonalCustomerHeaders), runtime))
        state["personal"] = body.instance_id

    @check("UpdateCrmPersonalCustomer")
    def _():
        request = crm.UpdateCrmPersonalCustomerRequest(
            instance_id=state["customer"], modifier_user_id=USER,
            data={"customer_description": "updated"})
        body = parsed(client.update_crm_personal_customer_with_options(
            request, headers(crm.UpdateCrmPersonalCustomerHeaders), runtime))
        assert body.instance_id == state["customer"], body.to_map()

    @check("ListCrmPersonalCustomers (batchQuery)")
    def _():
        request = crm.ListCrmPersonalCustomersRequest(
            body=[state["customer"], "404404404404404404", state["customer"]], current_operator_user_id=USER)
        body = parsed(client.list_crm_personal_customers_with_options(
            request, headers(crm.ListCrmPersonalCustomersHeaders), runtime))
        assert len(body.result) == 1, body.to_map()
        record = body.result[0]
        assert record.instance_id == state["customer"] and record.app_uuid and record.form_code == "crm_customer"
        assert record.data["customer_name"] == "SDK Corp" and record.data["customer_description"] == "updated"
        assert record.data["custom_key"] == "kept" and record.extend_data == {"source": "sdk"}
        assert record.permission.owner_staff_ids == [USER], record.permission.to_map()
        assert record.permission.participant_staff_ids == ["helper"], record.permission.to_map()
        assert record.creator_user_id == USER and record.proc_inst_status and record.gmt_create

    @check("QueryCrmPersonalCustomer with queryDsl")
    def _():
        dsl = '{"queryGroupList":[{"logicType":"AND","queryObjectList":[{"fieldId":"customer_name","filterType":"EQ","value":"Zhang San"}]}]}'
        request = crm.QueryCrmPersonalCustomerRequest(
            max_results=10, relation_type="crm_customer_personal", query_dsl=dsl, current_operator_user_id=USER)
        body = parsed(client.query_crm_personal_customer_with_options(
            request, headers(crm.QueryCrmPersonalCustomerHeaders), runtime))
        assert body.total_count == 1 and body.has_more is False and body.next_token is None, body.to_map()
        value = body.values[0]
        assert value.instance_id == state["personal"] and value.creator_nick == "Sdk"
        assert value.data["customer_address"] == {"value": "杭州", "extendValue": "{\"code\":1}"}, value.data

    @check("DescribeCrmPersonalCustomerObjectMeta")
    def _():
        body = parsed(client.describe_crm_personal_customer_object_meta_with_options(
            crm.DescribeCrmPersonalCustomerObjectMetaRequest(relation_type="crm_customer"),
            headers(crm.DescribeCrmPersonalCustomerObjectMetaHeaders), runtime))
        assert body.code == "crm_customer" and [f.name for f in body.fields][0] == "customer_name"

    @check("BatchAddContacts")
    def _():
        item = crm.BatchAddContactsRequestRelationList(biz_data_list=[
            crm.BatchAddContactsRequestRelationListBizDataList(key="contact_name", value="Wang"),
            crm.BatchAddContactsRequestRelationListBizDataList(
                key="contact_related_customer", value=f'["{state["customer"]}"]'),
        ], biz_ext_map={"from": "sdk"})
        orphan = crm.BatchAddContactsRequestRelationList(biz_data_list=[
            crm.BatchAddContactsRequestRelationListBizDataList(key="contact_name", value="Nobody")])
        body = parsed(client.batch_add_contacts_with_options(
            crm.BatchAddContactsRequest(operator_user_id=USER, relation_list=[item, orphan]),
            headers(crm.BatchAddContactsHeaders), runtime))
        assert body.results[0].success is True and body.results[0].relation_id, body.to_map()
        assert body.results[1].success is False and body.results[1].error_code == "param.error", body.to_map()
        state["added"] = body.results[0].relation_id

    @check("BatchUpdateContacts")
    def _():
        item = crm.BatchUpdateContactsRequestRelationList(relation_id=state["added"], biz_data_list=[
            crm.BatchUpdateContactsRequestRelationListBizDataList(key="contact_phone", value="138")])
        body = parsed(client.batch_update_contacts_with_options(
            crm.BatchUpdateContactsRequest(operator_user_id=USER, relation_list=[item]),
            headers(crm.BatchUpdateContactsHeaders), runtime))
        assert body.results[0].success is True and body.results[0].relation_id == state["added"], body.to_map()

    @check("GetContacts of one customer")
    def _():
        dsl = '{"queryGroupList":[{"queryObjectList":[{"fieldId":"contact_related_customer","filterType":"EQ","value":"%s"}]}]}' % state["customer"]
        body = parsed(client.get_contacts_with_options(
            crm.GetContactsRequest(max_results=10, query_dsl=dsl, current_operator_user_id=USER),
            headers(crm.GetContactsHeaders), runtime))
        values = body.result.values
        assert [v.instance_id for v in values] == [state["contact"], state["added"]], body.to_map()
        assert values[1].data["contact_phone"] == "138" and values[1].extend_data == {"from": "sdk"}
        assert body.result.has_more is False and values[0].permission.owner_user_ids == [USER]

    @check("AppendCustomerDataAuth")
    def _():
        body = parsed(client.append_customer_data_auth_with_options(
            crm.AppendCustomerDataAuthRequest(customer_ids=[state["customer"]], data_auth_user_ids=["auditor"],
                                              operate_user_id=USER, role_type="participant"),
            headers(crm.AppendCustomerDataAuthHeaders), runtime))
        assert body.result is True

    @check("OverrideUpdateCustomerDataAuth")
    def _():
        body = parsed(client.override_update_customer_data_auth_with_options(
            crm.OverrideUpdateCustomerDataAuthRequest(customer_ids=[state["customer"]], data_auth_user_ids=["boss", USER],
                                                      operate_user_id=USER, role_type="owner"),
            headers(crm.OverrideUpdateCustomerDataAuthHeaders), runtime))
        assert body.result is True
        listed = parsed(client.list_crm_personal_customers_with_options(
            crm.ListCrmPersonalCustomersRequest(body=[state["customer"]]),
            headers(crm.ListCrmPersonalCustomersHeaders), runtime)).result[0]
        assert listed.permission.owner_staff_ids == ["boss", USER], listed.permission.to_map()
        assert listed.permission.participant_staff_ids == ["helper", "auditor"], listed.permission.to_map()

    @check("paging through 250+ customers (QueryCrmPersonalCustomer and QueryAllCustomer)")
    def _():
        for i in range(260):
            parsed(client.add_crm_personal_customer_with_options(
                crm.AddCrmPersonalCustomerRequest(creator_user_id=USER, data={"customer_name": f"Paged {i}"}),
                headers(crm.AddCrmPersonalCustomerHeaders), runtime))
        seen, token, pages = [], None, 0
        while True:
            body = parsed(client.query_crm_personal_customer_with_options(
                crm.QueryCrmPersonalCustomerRequest(max_results=100, next_token=token),
                headers(crm.QueryCrmPersonalCustomerHeaders), runtime))
            seen += [v.instance_id for v in body.values]
            pages += 1
            if not body.has_more:
                assert body.next_token is None
                break
            token = body.next_token
        assert len(seen) == len(set(seen)) == body.total_count >= 261, (len(seen), body.total_count)
        assert pages == -(-len(seen) // 100), (pages, len(seen))
        every, token = [], "0"
        while True:
            body = parsed(client.query_all_customer_with_options(
                crm.QueryAllCustomerRequest(max_results=100, next_token=token, operator_user_id=USER),
                headers(crm.QueryAllCustomerHeaders), runtime))
            every += [v.instance_id for v in body.result.values]
            token = body.result.next_token
            if token is None:
                break
        assert every == seen, "QueryAllCustomer pages the same customers"

    @check("DeleteCrmPersonalCustomer, then an error raised with its code")
    def _():
        request = crm.DeleteCrmPersonalCustomerRequest(current_operator_user_id=USER)
        body = parsed(client.delete_crm_personal_customer_with_options(
            state["personal"], request, headers(crm.DeleteCrmPersonalCustomerHeaders), runtime))
        assert body.instance_id == state["personal"]
        try:
            client.delete_crm_personal_customer_with_options(
                state["personal"], request, headers(crm.DeleteCrmPersonalCustomerHeaders), runtime)
        except TeaException as err:
            assert code_of(err) == "data.not.exists", vars(err)
        else:
            raise AssertionError("no exception")

    @check("an unknown token raises InvalidAuthentication")
    def _():
        h = crm.DescribeCrmPersonalCustomerObjectMetaHeaders()
        h.x_acs_dingtalk_access_token = "not-a-token"
        try:
            client.describe_crm_personal_customer_object_meta_with_options(
                crm.DescribeCrmPersonalCustomerObjectMetaRequest(), h, runtime)
        except TeaException as err:
            assert code_of(err) == "InvalidAuthentication", vars(err)
        else:
            raise AssertionError("no exception")

    interop(base, client, headers, runtime, state)
    print(f"{len(PASSED)} passed, 0 failed")


def code_of(err):
    """The error's `code`: the SDK raises a TeaException (its UnretryableException is
    one) carrying the body's `code`, and the body with `statusCode` as `data`."""
    assert isinstance(err, TeaException), repr(err)
    assert err.data["requestid"] and err.data["statusCode"] >= 400, err.data
    return err.code


def interop(base, client, headers, runtime, state):
    """The old API through the old `dingtalk-sdk`: its client gets the token and
    sends /crm/* with the generic get/post (the package has no CRM calls)."""
    from dingtalk.client import SecretClient

    class EmulatorClient(SecretClient):
        API_BASE_URL = base.rstrip("/") + "/"

    old = EmulatorClient(CORPID, CORPSECRET)

    @check("a v1.0 customer read, changed and deleted through the old API (dingtalk-sdk)")
    def _():
        got = old.get("/crm/customer/get", params={"id": state["customer"]})
        assert got["customer"]["name"] == "SDK Corp", got
        assert {c["contactid"] for c in got["contactList"]} >= {state["contact"], state["added"]}, got
        old.post("/crm/customer/update", data={"id": state["customer"], "name": "Renamed"},
                 params={"user_id": USER})
        listed = parsed(client.list_crm_personal_customers_with_options(
            crm.ListCrmPersonalCustomersRequest(body=[state["customer"]]),
            headers(crm.ListCrmPersonalCustomersHeaders), runtime))
        assert listed.result[0].data["customer_name"] == "Renamed", listed.to_map()
        old.post("/crm/customer/delete", data={"id[]": [state["customer"]]}, params={"user_id": USER})
        gone = parsed(client.list_crm_personal_customers_with_options(
            crm.ListCrmPersonalCustomersRequest(body=[state["customer"]]),
            headers(crm.ListCrmPersonalCustomersHeaders), runtime))
        assert gone.result == [], gone.to_map()

    @check("an old-API customer read, changed and deleted through v1.0 (the SDK)")
    def _():
        created = old.post("/crm/customer/create", params={"user_id": USER}, data={
            "customer": {"name": "Old Corp", "address": "a", "description": "d", "telephone": "1"},
            "contacts": [{"name": "Zhao", "mobile": "1", "attached": ""}],
            "create_by": "sdk"})
        customer = created["customerid"]
        listed = parsed(client.list_crm_personal_customers_with_options(
            crm.ListCrmPersonalCustomersRequest(body=[customer]),
            headers(crm.ListCrmPersonalCustomersHeaders), runtime)).result[0]
        assert listed.data["customer_name"] == "Old Corp" and listed.creator_user_id == USER, listed.to_map()
        assert listed.permission.owner_staff_ids == [USER], listed.to_map()
        parsed(client.update_crm_personal_customer_with_options(
            crm.UpdateCrmPersonalCustomerRequest(instance_id=customer, modifier_user_id=USER,
                                                 data={"customer_phone": "2"}),
            headers(crm.UpdateCrmPersonalCustomerHeaders), runtime))
        assert old.get("/crm/customer/get", params={"id": customer})["customer"]["telephone"] == "2"
        parsed(client.delete_crm_personal_customer_with_options(
            customer, crm.DeleteCrmPersonalCustomerRequest(current_operator_user_id=USER),
            headers(crm.DeleteCrmPersonalCustomerHeaders), runtime))
        try:
            old.get("/crm/customer/get", params={"id": customer})
        except Exception as err:  # the old SDK raises on errcode != 0
            assert "40035" in repr(err) or getattr(err, "errcode", None) == 40035, repr(err)
        else:
            raise AssertionError("the customer is still there")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080")
