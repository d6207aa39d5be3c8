"""The console shows: tenants, customers, the journal, faults, the clock, the admin token."""

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from harness import APPID, CORPID, SETTINGS, ConsoleCase


class ViewsTest(ConsoleCase):
    def test_tenants_overview_lists_the_well_known_tenants_and_links_to_them(self):
        self.open("#/")
        self.see(CORPID, name="DingTalk corps")
        self.see(APPID, name="OpenAPI accounts")
        self.find("link", CORPID).click()
        self.find("heading", f"DingTalk corp {CORPID}")
        self.assertTrue(self.driver.current_url.endswith(f"#/dingtalk/{CORPID}"))

    def test_a_corps_customers_appear_without_a_reload_and_open_to_contacts_and_followers(self):
        self.open(f"#/dingtalk/{CORPID}")
        self.see_in_page("no customers")
        token = self.emulator.token()
        customer = self.emulator.create_customer(token, "杭州某某科技")
        self.emulator.create_customer(token, "上海另一家")
        self.see("杭州某某科技", name=f"Customers of {CORPID}")
        self.field("Name or telephone contains").send_keys("杭州", Keys.ENTER)
        self.eventually(lambda: "上海另一家" not in self.table(f"Customers of {CORPID}").text)
        row = self.table(f"Customers of {CORPID}").find_element(By.XPATH, f"./tbody/tr[td[1][normalize-space()='{customer}']]")
        row.send_keys(Keys.ENTER)
        self.see("王经理", name="Contacts (1)")
        self.see("lisi, zhangsan", name=f"Customers of {CORPID}")

    def test_an_accounts_records_appear_without_a_reload_and_open_to_their_fields(self):
        self.open(f"#/openapi/{APPID}")
        self.see_in_page("no customers")
        status, answer = self.emulator.signed("/openapi/crm/add", {
            "customerName": "test", "mobile": [{"value": "333222111", "memo": "王哈"}],
            "customerSource": ["试用申请"], "owner": "8310", "assignTime": "2024-11-14 09:46:17"})
        self.assertEqual(status, 200, answer)
        record_id = answer["data"]["_id"]
        self.see(record_id, name=f"Customers of {APPID}")
        self.click_row(f"Customers of {APPID}", f"./tbody/tr[td[1][normalize-space()='{record_id}']]")
        self.see("firstAssignTime", name=f"Customers of {APPID}")
        self.see("试用申请", name=f"Customers of {APPID}")

    def test_the_journal_updates_by_itself_and_an_entry_opens_to_its_warnings_and_string_to_sign(self):
        self.open("#/requests")
        token = self.emulator.token()
        body = {"customer": [{"name": "n", "address": "a", "description": "d", "telephone": 13800000000}],
                "contacts": [], "userIds": [], "create_by": "x"}
        self.emulator.call("POST", f"/crm/customer/create?access_token={token}&user_id=zhangsan", body)
        status, _ = self.emulator.signed("/openapi/crm/list", {}, secret="not-the-secret")
        self.assertEqual(status, 401)
        self.see("/crm/customer/create", name="Requests")
        self.see("dingtalk.field.number", name="Requests")
        self.see("openapi.auth.signature", name="Requests")
        self.click_row("Requests", "./tbody/tr[td[4][normalize-space()='/crm/customer/create']]")
        self.see("customer[0].telephone must be a string", name="Requests")
        self.click_row("Requests", "./tbody/tr[td[4][normalize-space()='/openapi/crm/list']]")
        self.see("string-to-sign", name="Requests")
        self.see(f'"{APPID}', name="Requests")
        if SETTINGS["screenshot"]:
            self.driver.save_screenshot(SETTINGS["screenshot"])

    def test_a_fault_added_in_the_console_fires_on_the_next_call(self):
        self.open("#/faults")
        Select(self.field("api")).select_by_value("dingtalk")
        self.field("path").send_keys("/crm/*")
        self.field("errcode").send_keys("45009")
        self.field("times").send_keys("1", Keys.ENTER)
        self.see("errcode 45009", name="Fault rules")
        token = self.emulator.token()
        _, answer = self.emulator.call("GET", f"/crm/customer/list?access_token={token}")
        self.assertEqual(answer["errcode"], 45009, answer)
        fired = "./tbody/tr[1]/td[10]"
        self.eventually(lambda: self.table("Fault rules").find_element(By.XPATH, fired).text == "1")
        self.button(lambda name: name.startswith("Remove fault")).click()
        self.eventually(lambda: "45009" not in self.table("Fault rules").text)

    def test_the_clock_view_moves_a_token_past_its_expiry(self):
        token = self.emulator.token()
        self.open("#/clock")
        self.see("0 s", "status", "Clock offset")
        seconds = self.field("Seconds (negative: back)")
        seconds.clear()
        seconds.send_keys("7201", Keys.ENTER)
        self.see("7201 s", "status", "Clock offset")
        _, answer = self.emulator.call("GET", f"/crm/customer/list?access_token={token}")
        self.assertEqual(answer["errcode"], 42001, answer)
        self.button("Reset to real time").click()
        self.see("0 s", "status", "Clock offset")


class AdminTokenTest(ConsoleCase):
    EMULATOR_ARGS = ("--admin-token", "console-secret")
    EXPECTED_ERRORS = ("401",)

    def test_nothing_is_shown_before_the_token_and_it_stays_in_session_storage(self):
        self.open("#/")
        field = self.field("Admin token")
        self.assertNotIn(CORPID, self.main_text())
        field.send_keys("wrong", Keys.ENTER)
        self.see("missing or wrong", "alert")
        self.field("Admin token").send_keys("console-secret", Keys.ENTER)
        self.see(CORPID, name="DingTalk corps")
        stored = self.driver.execute_script("return sessionStorage.getItem('crm-emulator-admin-token')")
        self.assertEqual(stored, "console-secret")
        self.assertNotIn("console-secret", self.driver.current_url)
        self.assertEqual(self.driver.get_cookies(), [])
