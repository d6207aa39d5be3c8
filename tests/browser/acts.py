"""The console acts: Connect snippets that run, tenants made and switched, employees, a
journal you can search, the rulebook with its counts, coverage and instances, one zone."""

import datetime
import os
import re
import subprocess
import sys
import tempfile
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from harness import APPID, CORPID, ConsoleCase

SNIPPET_GROUPS = ["DingTalk: a token, then the corp's customers", "OpenAPI: sign, then list the customers",
                  "DingTalk v1.0: a token, then a query"]
# What each group's answer shows when it succeeded, as each language prints it.
SUCCESS = {"DingTalk": re.compile(r"""["']errcode["']:\s*0\b"""),
           "OpenAPI": re.compile(r"""["']success["']:\s*(true|True)\b"""),
           "DingTalk v1.0": re.compile(r"""["']totalCount["']:\s*\d""")}


def run_snippet(language, code):
    """Runs a snippet as its reader would: curl lines in sh, Python with this interpreter
    (the test venv has requests), Node on a saved .mjs file."""
    with tempfile.TemporaryDirectory() as directory:
        if language == "curl":
            command = ["sh", "-c", code]
        elif language == "Python":
            command = [sys.executable, "-c", code]
        else:
            path = os.path.join(directory, "connect.mjs")
            with open(path, "w") as file:
                file.write(code)
            command = ["node", path]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=directory)
    return done.returncode, done.stdout + done.stderr


class ConnectTest(ConsoleCase):
    def test_every_connect_snippet_runs_as_shown_and_succeeds(self):
        self.open("#/")
        self.find("region", "Connect")
        base = self.emulator.base
        self.see(base, name="Where each API answers")
        ran = 0
        for language in ["curl", "Python", "Node"]:
            Select(self.field("Snippet language")).select_by_value(language)
            for group in SNIPPET_GROUPS:
                api = group.split(":")[0]
                name = f"{group} — {language}"
                figure = self.find("figure", lambda label: label.startswith(name))
                self.assertTrue(self.all("button", f"Copy {name}", figure), f"{name} has a Copy button")
                code = figure.find_element(By.TAG_NAME, "code").get_attribute("textContent")
                self.assertIn(base, code, name)
                status, output = run_snippet(language, code)
                self.assertEqual(status, 0, f"{name} failed:\n{code}\n---\n{output}")
                self.assertRegex(output, SUCCESS[api], f"{name} did not succeed:\n{output}")
                ran += 1
        self.assertEqual(ran, 9)


class TenantsTest(ConsoleCase):
    def test_a_corp_created_in_the_console_gets_a_token(self):
        self.open("#/")
        form = self.find("form", "New DingTalk corp")
        self.field("corpid", form).send_keys("consolecorp")
        self.field("corpsecret", form).send_keys("console-secret")
        Select(self.field("Corp mode", form)).select_by_value("strict")
        self.field("Rate limit per minute", form).send_keys("100")
        self.button("Create corp", form).click()
        self.see("consolecorp", name="DingTalk corps")
        self.find("combobox", "Mode of corp consolecorp")
        self.assertEqual(Select(self.find("combobox", "Mode of corp consolecorp")).first_selected_option.text, "strict")
        token = self.emulator.token("consolecorp", "console-secret")
        self.assertTrue(token)
        _, corp = self.emulator.call("GET", "/_emulator/dingtalk/corps/consolecorp")
        self.assertEqual((corp["mode"], corp["rateLimitPerMinute"]), ("strict", 100))

    def test_an_account_created_in_the_console_signs_with_its_secret(self):
        self.open("#/")
        form = self.find("form", "New OpenAPI account")
        self.field("appid", form).send_keys("2000")
        self.field("secret", form).send_keys("s3cret")
        self.field("Open sea ids", form).send_keys("sea-1, sea-2")
        self.button("Create account", form).click()
        self.see("sea-1, sea-2", name="OpenAPI accounts")
        _, account = self.emulator.call("GET", "/_emulator/openapi/accounts/2000")
        self.assertEqual(account["openSeaIds"], ["sea-1", "sea-2"])

    def test_switching_the_well_known_account_to_strict_refuses_an_unknown_key_and_back_warns(self):
        self.open("#/")
        mode = self.find("combobox", f"Mode of account {APPID}")
        Select(mode).select_by_value("strict")
        self.see(f"account {APPID} is now strict", "status", "Last action")
        status, answer = self.emulator.signed("/openapi/crm/list", {"bogus": 1})
        self.assertEqual((status, answer["code"]), (400, "400"), answer)
        self.assertIn("bogus", answer["message"])
        Select(self.find("combobox", f"Mode of account {APPID}")).select_by_value("lenient")
        self.see(f"account {APPID} is now lenient", "status", "Last action")
        status, answer, headers = self.emulator.signed("/openapi/crm/list", {"bogus": 1}, answer_headers=True)
        self.assertEqual(status, 200, answer)
        self.assertTrue(headers["x-emulator-warning"].startswith("openapi.request.unknown-key"), headers)

    def test_a_corps_employees_are_listed_and_added(self):
        token = self.emulator.token()
        self.emulator.create_customer(token, "杭州某某科技")  # a lenient corp adds zhangsan and lisi
        self.open(f"#/dingtalk/{CORPID}")
        self.see("zhangsan", name=f"Employees of {CORPID}")
        form = self.find("form", "Add an employee")
        self.field("Employee userid", form).send_keys("wangwu")
        self.field("Employee name", form).send_keys("王五")
        self.button("Add employee", form).click()
        self.see("王五", name=f"Employees of {CORPID}")
        _, employees = self.emulator.call("GET", f"/_emulator/dingtalk/corps/{CORPID}/employees")
        self.assertIn("wangwu", [e["userid"] for e in employees])


class JournalTest(ConsoleCase):
    EMULATOR_ARGS = ("--journal-bodies",)

    def outcome_column(self):
        return [row.split("\n")[0] for row in self.rows("Requests")]

    def test_filters_show_only_matching_rows_and_pause_holds_the_list(self):
        token = self.emulator.token()  # ok
        self.emulator.call("POST", f"/crm/customer/create?access_token={token}&user_id=zhangsan", {})  # refused
        self.emulator.signed("/openapi/crm/list", {"bogus": 1})  # warned
        self.emulator.call("POST", "/_emulator/faults", {"api": "openapi", "status": 503, "times": 1})
        self.emulator.signed("/openapi/crm/list", {})  # injected
        self.open("#/requests")
        self.eventually(lambda: len(self.rows("Requests")) == 4)
        table_rows = lambda: [r for r in self.table("Requests").find_elements(By.XPATH, "./tbody/tr")]
        cell = lambda row, n: row.find_element(By.XPATH, f"./td[{n}]").text
        expected = {"ok": ["/gettoken", "/openapi/crm/list"], "warned": ["/openapi/crm/list"],
                    "refused": ["/crm/customer/create"], "injected": ["/openapi/crm/list"]}
        for outcome, paths in expected.items():
            Select(self.field("Outcome")).select_by_value(outcome)
            # one condition, read in one pass: the list re-renders itself between passes
            self.eventually(lambda: sorted((cell(r, 4), outcome in cell(r, 8)) for r in table_rows())
                            == sorted((path, True) for path in paths), outcome)
        Select(self.field("Outcome")).select_by_value("")
        Select(self.field("API")).select_by_value("openapi")
        self.eventually(lambda: [cell(r, 2) for r in table_rows()] == ["openapi"] * 2)
        Select(self.field("API")).select_by_value("")
        self.field("Tenant").send_keys(CORPID)
        self.eventually(lambda: sorted(cell(r, 4) for r in table_rows()) == ["/crm/customer/create", "/gettoken"])
        self.field("Tenant").clear()
        self.field("Path contains").send_keys("customer/cre")
        self.eventually(lambda: [cell(r, 4) for r in table_rows()] == ["/crm/customer/create"])
        self.field("Path contains").clear()
        self.eventually(lambda: len(table_rows()) == 4)

        self.button("Pause").click()
        self.find("button", "Resume")
        self.emulator.token()
        time.sleep(2.5)  # two refresh periods: a running list would have shown it
        self.assertEqual(len(table_rows()), 4, "the paused list stays as it was")
        self.button("Resume").click()
        self.eventually(lambda: len(table_rows()) == 5)

    def test_an_entry_shows_its_captured_bodies(self):
        self.emulator.signed("/openapi/crm/add", {"customerName": "带身体的客户"})
        self.open("#/requests")
        self.see("/openapi/crm/add", name="Requests")
        self.click_row("Requests", "./tbody/tr[td[4][normalize-space()='/openapi/crm/add']]")
        self.see("request body", name="Requests")
        self.see("带身体的客户", name="Requests")
        self.see("response body", name="Requests")
        self.see('"success": true', name="Requests")


class TimeZoneTest(ConsoleCase):
    EMULATOR_ARGS = ("--timezone", "+05:30")

    def test_every_time_is_the_emulators_zone_labelled_whatever_the_browsers(self):
        self.driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "America/New_York"})
        self.emulator.token()
        self.open("#/requests")
        clock = self.find("timer", "Emulator clock")
        self.eventually(lambda: clock.text.endswith(" +05:30"), "the header clock is labelled")
        shown = datetime.datetime.strptime(clock.text[:19], "%Y-%m-%d %H:%M:%S")
        expected = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + datetime.timedelta(hours=5, minutes=30)
        self.assertLess(abs((shown - expected).total_seconds()), 120, (clock.text, expected))
        self.see("+05:30", "status", "Console status")
        self.assertRegex(self.find("status", "Console status").text, r"updated \d\d:\d\d:\d\d \+05:30$")
        self.table("Requests").find_element(By.XPATH, "./thead/tr/th[normalize-space()='time (+05:30)']")
        entry_time = self.table("Requests").find_element(By.XPATH, "./tbody/tr[1]/td[1]").text
        logged = datetime.datetime.strptime(entry_time, "%Y-%m-%d %H:%M:%S")
        self.assertLess(abs((logged - expected).total_seconds()), 120, (entry_time, expected))
