"""#/rules with its counts, #/coverage, #/instances, and every view accessible by
construction: named tables, labelled fields, named buttons, reachable by keyboard."""

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from harness import CORPID, ConsoleCase

VIEWS = ["#/", f"#/dingtalk/{CORPID}", "#/openapi/1090", "#/requests", "#/rules", "#/coverage", "#/faults",
         "#/clock", "#/instances"]


class RulesTest(ConsoleCase):
    def rule_row(self, rule_id):
        return self.table("Rules").find_element(By.XPATH, f"./tbody/tr[td[1][normalize-space()='{rule_id}']]")

    def counts(self, rule_id):
        row = self.rule_row(rule_id)
        return int(row.find_element(By.XPATH, "./td[6]").text), int(row.find_element(By.XPATH, "./td[7]").text)

    def test_every_rule_is_listed_with_its_refusals_and_warnings_and_filters_narrow_it(self):
        self.emulator.signed("/openapi/crm/list", {"bogus": 1})  # warned: openapi.request.unknown-key
        self.emulator.call("GET", "/crm/customer/nope")  # refused: dingtalk.path.known
        _, rulebook = self.emulator.call("GET", "/_emulator/rules")
        ids = [rule["id"] for rule in rulebook["rules"]]
        self.open("#/rules")
        self.eventually(lambda: self.table("Rules").find_element(By.TAG_NAME, "caption").text == f"Rules: {len(ids)} of {len(ids)}")
        listed = [cell.text for cell in self.table("Rules").find_elements(By.XPATH, "./tbody/tr/td[1]")]
        self.assertEqual(listed, ids)
        self.eventually(lambda: self.counts("openapi.request.unknown-key") == (0, 1))
        self.eventually(lambda: self.counts("dingtalk.path.known") == (1, 0))

        Select(self.field("Counted")).select_by_value("warned")
        self.eventually(lambda: [c.text for c in self.table("Rules").find_elements(By.XPATH, "./tbody/tr/td[1]")]
                        == ["openapi.request.unknown-key"])
        Select(self.field("Counted")).select_by_value("")
        Select(self.field("API")).select_by_value("dingtalk-v1")
        Select(self.field("Enforced")).select_by_value("strict")
        self.eventually(lambda: all(c.text == "dingtalk-v1" for c in self.table("Rules").find_elements(By.XPATH, "./tbody/tr/td[2]")))
        self.eventually(lambda: all(c.text == "strict" for c in self.table("Rules").find_elements(By.XPATH, "./tbody/tr/td[4]")))
        Select(self.field("API")).select_by_value("")
        Select(self.field("Enforced")).select_by_value("")
        Select(self.field("Provenance")).select_by_value("seed")
        self.eventually(lambda: all(c.text == "seed" for c in self.table("Rules").find_elements(By.XPATH, "./tbody/tr/td[3]")))
        Select(self.field("Provenance")).select_by_value("")
        self.field("Text contains").send_keys("nonce.once")
        self.eventually(lambda: [c.text for c in self.table("Rules").find_elements(By.XPATH, "./tbody/tr/td[1]")]
                        == ["openapi.nonce.once"])


class CoverageTest(ConsoleCase):
    EXPECTED_ERRORS = ("/_emulator/coverage - Failed to load resource: the server responded with a status of 404",)

    def test_coverage_renders_its_endpoints_report(self):
        token = self.emulator.token()
        self.emulator.create_customer(token, "覆盖率客户")
        status, report = self.emulator.call("GET", "/_emulator/coverage")
        self.open("#/coverage")
        if status == 404:
            self.see("GET /_emulator/coverage answered 404", "note")
            print("SKIPPED: GET /_emulator/coverage answers 404 in this build; #/coverage shows its "
                  "friendly message, and its data test runs once the endpoint lands")
            self.skipTest("GET /_emulator/coverage answers 404 in this build")
        self.assertEqual(status, 200, report)
        summary = report["summary"]
        self.see_in_page(f"operations covered {summary['operations']['covered']} of {summary['operations']['total']}")
        self.see_in_page(f"outcomes met {summary['outcomes']['covered']} of {summary['outcomes']['total']}")
        self.eventually(lambda: len(self.rows("Operations")) == len(report["operations"]))
        create = next(op for op in report["operations"]
                      if op["operation"] == "POST /crm/customer/create" and op["tenant"] == CORPID)
        row = self.table("Operations").find_element(
            By.XPATH, f"./tbody/tr[td[2][normalize-space()='{CORPID}'] and td[3][normalize-space()='POST /crm/customer/create']]")
        self.assertIn("✓ covered", row.text)
        self.assertIn("ok ×1", row.text)
        for missing in create["missing"]:
            self.assertIn(missing["outcome"], row.text)
        Select(self.field("Show")).select_by_value("uncovered")
        self.eventually(lambda: all("✗ not covered" in r for r in self.rows("Operations")))


class InstancesTest(ConsoleCase):
    def test_instances_render_the_live_instances(self):
        _, instances = self.emulator.call("GET", "/_emulator/instances")
        self.open("#/instances")
        self.eventually(lambda: len(self.rows("Live instances")) == len(instances) == 1)
        row = self.rows("Live instances")[0]
        for key in ["id", "worker", "version", "startedAt"]:
            self.assertIn(str(instances[0][key]), row)


class AccessibilityTest(ConsoleCase):
    EXPECTED_ERRORS = CoverageTest.EXPECTED_ERRORS

    def audit(self, view):
        for element in self.driver.find_elements(By.XPATH, "//table|//input|//select|//button|//a|//form"):
            self.assertTrue(element.accessible_name.strip(), f"{view}: a {element.tag_name} without a name "
                                                             f"({element.get_attribute('outerHTML')[:120]})")
        for table in self.driver.find_elements(By.TAG_NAME, "table"):
            self.assertTrue(table.find_elements(By.XPATH, "./caption"), f"{view}: a table without a caption")
        return True

    def test_every_table_field_and_button_has_a_name_and_the_views_are_keyboard_reachable(self):
        for view in VIEWS:
            self.open(view)
            self.eventually(lambda: self.driver.find_elements(By.XPATH, "//main//table|//main//*[@role='note']|//main//output"), view)
            # The lists re-render by themselves: an audit that met a replaced element
            # starts again.
            self.eventually(lambda: self.audit(view), view)
        # The keyboard alone reaches the views and the controls in them.
        self.open("#/")
        self.find("link", "Requests").send_keys(Keys.ENTER)
        self.find("heading", "Requests")
        reached = set()
        for _ in range(25):
            ActionChains(self.driver).send_keys(Keys.TAB).perform()
            focused = self.driver.switch_to.active_element
            reached.add((focused.aria_role, focused.accessible_name))
        self.assertIn(("combobox", "Outcome"), reached)
        self.assertIn(("button", "Pause"), reached)
