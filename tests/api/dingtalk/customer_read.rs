//! `GET /crm/customer/get?id=` (获取客户详细信息) and the list, `GET /crm/customer/get`
//! without `id` (获取客户列表) or `GET /crm/customer/list`.

use super::*;
use crate::both_backends;

both_backends! {
    async fn get_of_an_unknown_id_is_40035_naming_it(app: TestApp) {
        let dt = Dt::strict(&app, &["zhangsan", "lisi", "USER_ID", "a"]).await;
        for id in ["100000000000000001", "abc", "-5", "99999999999999999999"] {
            let body = dt.get(&format!("/crm/customer/get?id={id}")).await;
            assert_err(&body, 40035, &format!("id: no such customer: {id}"));
        }
        assert_err(&dt.get("/crm/customer/get?id=").await, 40035, "id is empty");
    }

    async fn the_seeds_list_example_returns_the_seeds_shape(app: TestApp) {
        let dt = Dt::new(&app).await;
        let id = dt.create_customer("ACME", "zhangsan").await;
        let list = dt.get("/crm/customer/get").await;
        assert_ok(&list);
        assert_eq!(keys(&list), ["errcode", "errmsg", "customerlist", "hasMore"]);
        assert_eq!(list["customerlist"], json!([{"id": id, "name": "ACME", "address": "地址", "description": "描述", "telephone": "电话"}]));
        assert_eq!(keys(&list["customerlist"][0]), ["id", "name", "address", "description", "telephone"]);
        assert_eq!(list["hasMore"], false);
        assert_eq!(dt.get("/crm/customer/list").await, list, "both spellings list the same");
    }

    async fn the_list_pages_with_offset_and_size_oldest_first(app: TestApp) {
        let dt = Dt::new(&app).await;
        let mut ids = Vec::new();
        for i in 0..5 {
            ids.push(dt.create_customer(&format!("C{i}"), "zhangsan").await);
        }
        let names = |page: &Value| page["customerlist"].as_array().unwrap().iter()
            .map(|c| c["name"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
        let first = dt.get("/crm/customer/list?size=2").await;
        assert_eq!(names(&first), ["C0", "C1"]);
        assert_eq!(first["hasMore"], true);
        let middle = dt.get("/crm/customer/get?offset=2&size=2").await;
        assert_eq!(names(&middle), ["C2", "C3"]);
        assert_eq!(middle["hasMore"], true);
        let last = dt.get("/crm/customer/list?offset=4&size=2").await;
        assert_eq!(names(&last), ["C4"]);
        assert_eq!(last["hasMore"], false);
        let past = dt.get("/crm/customer/list?offset=9").await;
        assert_eq!(past["customerlist"], json!([]));
        assert_eq!(past["hasMore"], false);
        let exact = dt.get("/crm/customer/list?size=5").await;
        assert_eq!(exact["hasMore"], false);
        assert_eq!(exact["customerlist"][4]["id"], ids[4].as_str());
    }

    async fn size_outside_1_to_1000_or_a_bad_offset_is_40035_naming_it(app: TestApp) {
        let dt = Dt::strict(&app, &["zhangsan", "lisi", "USER_ID", "a"]).await;
        for query in ["size=0", "size=1001", "size=ten", "size=", "size=1.5"] {
            let body = dt.get(&format!("/crm/customer/list?{query}")).await;
            assert_err(&body, 40035, "size must be a whole number from 1 to 1000");
        }
        for query in ["offset=-1", "offset=x"] {
            let body = dt.get(&format!("/crm/customer/get?{query}")).await;
            assert_err(&body, 40035, "offset must be a whole number");
        }
        assert_ok(&dt.get("/crm/customer/list?size=1000&offset=0").await);
    }

    async fn get_shows_contacts_oldest_first_and_followers_in_order_added(app: TestApp) {
        let dt = Dt::new(&app).await;
        let id = dt.create_customer("ACME", "zhangsan").await;
        let added = dt.post("/crm/contact/create?user_id=zhangsan", &json!({"customerid": id, "name": "Second"})).await;
        assert_ok(&added);
        let related = dt.post("/crm/empcustomer/create", &json!({"customerId": id, "userId": "lisi", "create_by": "x"})).await;
        assert_ok(&related);
        let got = dt.customer(&id).await;
        let contacts: Vec<&str> = got["contactList"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert_eq!(contacts, ["姓名", "Second"]);
        assert_eq!(got["contactList"][1]["contactid"], added["contactid"]);
        assert_eq!(got["userIds"], json!(["zhangsan", "lisi"]));
    }
}
