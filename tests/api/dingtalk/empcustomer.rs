//! `POST /crm/empcustomer/create` (员工客户关系新增) and `/crm/empcustomer/delete`
//! (员工客户关系删除).

use super::*;
use crate::both_backends;

const CREATE: &str = "/crm/empcustomer/create";
const DELETE: &str = "/crm/empcustomer/delete";

both_backends! {
    async fn the_seeds_relation_create_example_adds_a_follower_once(app: TestApp) {
        let dt = Dt::new(&app).await;
        let customer = dt.create_customer("ACME", "zhangsan").await;
        let body = json!({"customerId": customer, "userId": "lisi", "create_by": "创建时间"});
        let created = dt.post(CREATE, &body).await;
        assert_ok(&created);
        assert_eq!(keys(&created), ["errcode", "errmsg"]);
        assert_eq!(dt.customer(&customer).await["userIds"], json!(["zhangsan", "lisi"]));
        assert_ok(&dt.post(CREATE, &body).await);
        assert_eq!(dt.customer(&customer).await["userIds"], json!(["zhangsan", "lisi"]), "an existing relation is kept as it is");
    }

    async fn relation_create_faults_are_named(app: TestApp) {
        let dt = Dt::strict(&app, &["zhangsan", "lisi", "USER_ID", "a"]).await;
        let customer = dt.create_customer("ACME", "zhangsan").await;
        for (field, body) in [
            ("customerId is required", json!({"userId": "lisi", "create_by": "x"})),
            ("userId is required", json!({"customerId": customer, "create_by": "x"})),
            ("create_by is required", json!({"customerId": customer, "userId": "lisi"})),
            ("userId must be a string", json!({"customerId": customer, "userId": 7, "create_by": "x"})),
            ("customerId: no such customer: 100000000000000001", json!({"customerId": "100000000000000001", "userId": "lisi", "create_by": "x"})),
        ] {
            assert_err(&dt.post(CREATE, &body).await, 40035, field);
        }
        let long = json!({"customerId": customer, "userId": "lisi", "create_by": "x".repeat(65)});
        assert_err(&dt.post(CREATE, &long).await, 41101, "create_by");
        assert_eq!(dt.customer(&customer).await["userIds"], json!(["zhangsan"]));
    }

    async fn the_seeds_relation_delete_example_removes_the_follower(app: TestApp) {
        let dt = Dt::new(&app).await;
        let customer = dt.create_customer("ACME", "zhangsan").await;
        assert_ok(&dt.post(CREATE, &json!({"customerId": customer, "userId": "lisi", "create_by": "x"})).await);
        let body = json!({"customerId": customer, "userId": "zhangsan", "modified_by": "修改时间"});
        let deleted = dt.post(DELETE, &body).await;
        assert_ok(&deleted);
        assert_eq!(keys(&deleted), ["errcode", "errmsg"]);
        assert_eq!(dt.customer(&customer).await["userIds"], json!(["lisi"]));
        assert_err(&dt.post(DELETE, &body).await, 40035, "userId zhangsan does not follow the customer");
    }

    async fn relation_delete_faults_are_named(app: TestApp) {
        let dt = Dt::new(&app).await;
        let customer = dt.create_customer("ACME", "zhangsan").await;
        for (field, body) in [
            ("customerId is required", json!({"userId": "zhangsan", "modified_by": "x"})),
            ("userId is required", json!({"customerId": customer, "modified_by": "x"})),
            ("modified_by is required", json!({"customerId": customer, "userId": "zhangsan"})),
            ("customerId: no such customer: 100000000000000001", json!({"customerId": "100000000000000001", "userId": "zhangsan", "modified_by": "x"})),
            ("userId nobody does not follow", json!({"customerId": customer, "userId": "nobody", "modified_by": "x"})),
        ] {
            assert_err(&dt.post(DELETE, &body).await, 40035, field);
        }
        assert_eq!(dt.customer(&customer).await["userIds"], json!(["zhangsan"]));
    }
}
