"""#/rules with its counts, #/coverage, #/instances, and every view accessible by
construction: named tables, labelled fields, named buttons, reachable by keyboard."""

import json

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
    def test_coverage_renders_its_endpoints_report(self):
        token = self.emulator.token()
        self.emulator.create_customer(token, "覆盖率客户")
        status, report = self.emulator.call("GET", "/_emulator/coverage")
        self.open("#/coverage")
        self.assertEqual(status, 200, report)
        summary = report["summary"]
        self.see_in_page(f"operations covered {summary['operations']['covered']} of {summary['operations']['total']}")
        self.see_in_page(f"outcomes met {summary['outcomes']['covered']} of {summary['outcomes']['total']}")
        self.eventually(lambda: len(self.rows("Operations")) == len(report["operations"]))
        create = next(op for op in report["operations"]
                      if op["operation"] == "POST /crm/customer/create" and op["tenant"] == CORPID)
        row = f"./tbody/tr[td[2][normalize-space()='{CORPID}'] and td[3][normalize-space()='POST /crm/customer/create']]"
        expected = ["✓ covered", "ok ×1", *(missing["outcome"] for missing in create["missing"])]
        # read in one pass inside the wait: the view may re-render the table between two reads
        self.eventually(lambda: all(text in self.table("Operations").find_element(By.XPATH, row).text
                                    for text in expected), expected)
        Select(self.field("Show")).select_by_value("uncovered")
        self.eventually(lambda: all("✗ not covered" in r for r in self.rows("Operations")))


# The report of docs/coverage.md, as GET /_emulator/coverage answers it.
DOCUMENTED_REPORT = {
    "since": "2026-01-01 09:00:00",
    "summary": {"operations": {"covered": 1, "total": 2}, "outcomes": {"covered": 2, "total": 5}},
    "operations": [
        {"api": "dingtalk", "tenant": CORPID, "operation": "POST /crm/customer/create", "calls": 12,
         "outcomes": [{"outcome": "ok", "count": 10, "injected": 0}, {"outcome": "errcode 40014", "count": 2, "injected": 0}],
         "missing": [{"outcome": "errcode 42001", "why": "the access_token expired", "howTo": {"clock": {"advanceSeconds": 7201}}},
                     {"outcome": "errcode -1", "why": "the service failed",
                      "howTo": {"fault": {"api": "dingtalk", "method": "POST", "path": "/crm/customer/create",
                                          "tenant": CORPID, "errcode": -1, "times": 1}}}]},
        {"api": "dingtalk", "tenant": CORPID, "operation": "GET /crm/customer/list", "calls": 0, "outcomes": [],
         "missing": [{"outcome": "ok", "why": "served"}]},
    ],
}

# Answers the page's GET /_emulator/coverage with DOCUMENTED_REPORT, whatever this build
# serves; every other call goes to the emulator.
STUB = """
const real = window.fetch;
window.fetch = (url, init) => String(url).startsWith('/_emulator/coverage')
  ? Promise.resolve(new Response(JSON.stringify(%s), {headers: {'Content-Type': 'application/json'}}))
  : real(url, init);
"""


class CoverageViewTest(ConsoleCase):
    def test_the_view_renders_a_report_of_the_documented_shape_and_its_how_to_acts(self):
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": STUB % json.dumps(DOCUMENTED_REPORT)})
        self.open("#/coverage")
        self.see_in_page("operations covered 1 of 2 (50%), outcomes met 2 of 5 (40%)")
        self.see_in_page("Since 2026-01-01 09:00:00 (+08:00)")
        self.eventually(lambda: len(self.rows("Operations")) == 2)
        create, listing = self.rows("Operations")
        for text in ["POST /crm/customer/create", "12", "✓ covered", "ok ×10", "errcode 40014 ×2",
                     "errcode 42001 — the access_token expired", "errcode -1 — the service failed"]:
            self.assertIn(text, create)
        self.assertIn("✗ not covered", listing)
        Select(self.field("Show")).select_by_value("uncovered")
        self.eventually(lambda: len(self.rows("Operations")) == 1 and "GET /crm/customer/list" in self.rows("Operations")[0])
        Select(self.field("Show")).select_by_value("")
        self.button("Add this fault for errcode -1").click()
        self.see("the next matching call answers errcode -1", "status", "Last action")
        _, faults = self.emulator.call("GET", "/_emulator/faults")
        self.assertEqual([(f["path"], f["errcode"], f["times"]) for f in faults], [("/crm/customer/create", -1, 1)])
        self.button("Move the clock for errcode 42001").click()
        self.see("clock moved", "status", "Last action")
        _, clock = self.emulator.call("GET", "/_emulator/clock")
        self.assertEqual(clock["offsetSeconds"], 7201)


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
