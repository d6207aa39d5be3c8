"""Browser tests of the web console (docs/control-plane.md#console), in headless
Chromium through WebDriver.

Each test starts the real binary on a fresh SQLite file, drives the console at
/_emulator/ui/ and talks to the two APIs over HTTP as a client would. Chromium resolves
no host but 127.0.0.1, so a page that fetched anything from elsewhere would fail, and
every test ends by checking that the browser console logged no error.

Run by .ci/run:  python tests/browser/console.py target/debug/crm-emulator
With --screenshot FILE, the first test also saves the console's journal view there.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
import uuid

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import Select, WebDriverWait

BINARY = None
SCREENSHOT = None
CORPID, CORPSECRET = "dingemulator", "emulator-secret"
APPID, APPSECRET = "1090", "emulator-secret"
WAIT = 10  # seconds any expected change may take to appear


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def waiting(driver):
    """A wait that polls again when the element it read was re-rendered meanwhile (the
    console refreshes its lists by itself), instead of failing on the stale element."""
    return WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException,))


class Emulator:
    """The real binary on a fresh SQLite file, stopped (SIGTERM) at the end."""

    def __init__(self, *extra):
        self.dir = tempfile.TemporaryDirectory()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        database = "sqlite://" + os.path.join(self.dir.name, "console.db")
        self.process = subprocess.Popen(
            [BINARY, "--bind", f"127.0.0.1:{self.port}", "--database-url", database, *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/_emulator/health") as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the emulator did not become healthy")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)
        self.dir.cleanup()

    def call(self, method, path, body=None, headers=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    def token(self):
        status, body = self.call("GET", f"/gettoken?corpid={CORPID}&corpsecret={CORPSECRET}")
        assert status == 200 and body["errcode"] == 0, body
        return body["access_token"]

    def create_customer(self, token, name):
        body = {"customer": [{"name": name, "address": "杭州市西湖区", "description": "重点客户", "telephone": "0571-88888888"}],
                "contacts": [{"name": "王经理", "mobile": "13800000000", "attached": "采购"}],
                "userIds": ["lisi"], "create_by": "2024-05-01 10:00:00"}
        status, answer = self.call("POST", f"/crm/customer/create?access_token={token}&user_id=zhangsan", body)
        assert answer["errcode"] == 0, answer
        return answer["customerid"]

    def signed(self, path, body, secret=APPSECRET):
        nonce, timestamp = uuid.uuid4().hex, str(int(time.time()))
        mac = hmac.new(secret.encode(), (APPID + nonce + timestamp).encode(), hashlib.sha256)
        headers = {"appid": APPID, "nonce": nonce, "timestamp": timestamp,
                   "signature": base64.b64encode(mac.digest()).decode()}
        return self.call("POST", path, body, headers)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1400,1000", "--no-first-run", "--disable-extensions",
                 "--disable-background-networking", "--disable-component-update",
                 # Every host but the emulator's is unreachable.
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(options=options, service=service)


class ConsoleTest(unittest.TestCase):
    def setUp(self):
        self.emulator = Emulator()
        self.driver = browser()
        self.wait = waiting(self.driver)

    def tearDown(self):
        errors = [e for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]
        self.driver.quit()
        self.emulator.stop()
        self.assertEqual(errors, [], "the browser console logged errors")

    def open(self, fragment):
        self.driver.get(self.emulator.base + "/_emulator/ui/" + fragment)

    def see(self, text, where=(By.ID, "main")):
        self.wait.until(ready.text_to_be_present_in_element(where, text))

    def test_tenants_overview_lists_the_well_known_tenants_and_links_to_them(self):
        self.open("#/")
        self.see(CORPID, (By.ID, "corps"))
        self.see(APPID, (By.ID, "accounts"))
        self.driver.find_element(By.LINK_TEXT, CORPID).click()
        self.see(f"DingTalk corp {CORPID}")
        self.assertTrue(self.driver.current_url.endswith(f"#/dingtalk/{CORPID}"))

    def test_a_corps_customers_appear_without_a_reload_and_open_to_contacts_and_followers(self):
        self.open(f"#/dingtalk/{CORPID}")
        self.see("no customers")
        token = self.emulator.token()
        customer = self.emulator.create_customer(token, "杭州某某科技")
        self.emulator.create_customer(token, "上海另一家")
        self.see("杭州某某科技", (By.ID, "customers"))
        search = self.driver.find_element(By.ID, "search")
        search.send_keys("杭州", Keys.ENTER)
        self.wait.until(lambda d: "上海另一家" not in d.find_element(By.ID, "customers").text)
        row = self.driver.find_element(By.XPATH, f"//tr[td/span[text()='{customer}']]")
        row.send_keys(Keys.ENTER)
        self.see("王经理", (By.ID, "customers"))
        self.see("lisi, zhangsan", (By.ID, "customers"))

    def test_an_accounts_records_appear_without_a_reload_and_open_to_their_fields(self):
        self.open(f"#/openapi/{APPID}")
        self.see("no customers")
        status, answer = self.emulator.signed("/openapi/crm/add", {
            "customerName": "test", "mobile": [{"value": "333222111", "memo": "王哈"}],
            "customerSource": ["试用申请"], "owner": "8310", "assignTime": "2024-11-14 09:46:17"})
        self.assertEqual(status, 200, answer)
        record_id = answer["data"]["_id"]
        self.see(record_id, (By.ID, "customers"))
        self.driver.find_element(By.XPATH, f"//tr[td/span[text()='{record_id}']]").click()
        self.see("firstAssignTime", (By.ID, "customers"))
        self.see("试用申请", (By.ID, "customers"))

    def test_the_journal_updates_by_itself_and_an_entry_opens_to_its_warnings_and_string_to_sign(self):
        self.open("#/requests")
        token = self.emulator.token()
        body = {"customer": [{"name": "n", "address": "a", "description": "d", "telephone": 13800000000}],
                "contacts": [], "userIds": [], "create_by": "x"}
        self.emulator.call("POST", f"/crm/customer/create?access_token={token}&user_id=zhangsan", body)
        status, _ = self.emulator.signed("/openapi/crm/list", {}, secret="not-the-secret")
        self.assertEqual(status, 401)
        self.see("/crm/customer/create", (By.ID, "requests"))
        self.see("dingtalk.field.number", (By.ID, "requests"))
        self.see("openapi.auth.signature", (By.ID, "requests"))
        self.driver.find_element(By.XPATH, "//tr[td/span[text()='/crm/customer/create']]").click()
        self.see("customer[0].telephone must be a string", (By.ID, "requests"))
        self.driver.find_element(By.XPATH, "//tr[td/span[text()='/openapi/crm/list']]").click()
        self.see("string-to-sign", (By.ID, "requests"))
        self.see(f'"{APPID}', (By.ID, "requests"))
        if SCREENSHOT:
            self.driver.save_screenshot(SCREENSHOT)

    def test_a_fault_added_in_the_console_fires_on_the_next_call(self):
        self.open("#/faults")
        Select(self.driver.find_element(By.ID, "fault-api")).select_by_value("dingtalk")
        self.driver.find_element(By.ID, "fault-path").send_keys("/crm/*")
        self.driver.find_element(By.ID, "fault-errcode").send_keys("45009")
        self.driver.find_element(By.ID, "fault-times").send_keys("1", Keys.ENTER)
        self.see("errcode 45009", (By.ID, "fault-list"))
        token = self.emulator.token()
        _, answer = self.emulator.call("GET", f"/crm/customer/list?access_token={token}")
        self.assertEqual(answer["errcode"], 45009, answer)
        self.wait.until(lambda d: d.find_element(By.XPATH, "//div[@id='fault-list']//tbody/tr[1]/td[10]").text == "1")
        self.driver.find_element(By.XPATH, "//div[@id='fault-list']//button[text()='Remove']").click()
        self.wait.until(lambda d: "45009" not in d.find_element(By.ID, "fault-list").text)

    def test_the_clock_view_moves_a_token_past_its_expiry(self):
        token = self.emulator.token()
        self.open("#/clock")
        self.see("0 s", (By.ID, "clock-offset"))
        seconds = self.driver.find_element(By.ID, "advance-seconds")
        seconds.clear()
        seconds.send_keys("7201", Keys.ENTER)
        self.see("7201 s", (By.ID, "clock-offset"))
        _, answer = self.emulator.call("GET", f"/crm/customer/list?access_token={token}")
        self.assertEqual(answer["errcode"], 42001, answer)
        self.driver.find_element(By.XPATH, "//button[text()='Reset to real time']").click()
        self.see("0 s", (By.ID, "clock-offset"))


class AdminTokenTest(unittest.TestCase):
    def setUp(self):
        self.emulator = Emulator("--admin-token", "console-secret")
        self.driver = browser()
        self.wait = waiting(self.driver)

    def tearDown(self):
        errors = [e for e in self.driver.get_log("browser")
                  if e["level"] == "SEVERE" and "401" not in e["message"]]
        self.driver.quit()
        self.emulator.stop()
        self.assertEqual(errors, [], "the browser console logged errors")

    def test_nothing_is_shown_before_the_token_and_it_stays_in_session_storage(self):
        self.driver.get(self.emulator.base + "/_emulator/ui/#/")
        field = self.wait.until(ready.presence_of_element_located((By.ID, "token")))
        self.assertNotIn(CORPID, self.driver.find_element(By.ID, "main").text)
        field.send_keys("wrong", Keys.ENTER)
        self.wait.until(ready.text_to_be_present_in_element((By.ID, "main"), "missing or wrong"))
        field = self.driver.find_element(By.ID, "token")
        field.send_keys("console-secret", Keys.ENTER)
        self.wait.until(ready.text_to_be_present_in_element((By.ID, "corps"), CORPID))
        stored = self.driver.execute_script("return sessionStorage.getItem('crm-emulator-admin-token')")
        self.assertEqual(stored, "console-secret")
        self.assertNotIn("console-secret", self.driver.current_url)
        self.assertEqual(self.driver.get_cookies(), [])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--screenshot")
    args, rest = parser.parse_known_args()
    BINARY = os.path.abspath(args.binary)
    SCREENSHOT = args.screenshot
    unittest.main(argv=[sys.argv[0], "-v", *rest])
