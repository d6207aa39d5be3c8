"""What the browser tests of the console share: the real binary on a fresh SQLite file, a
headless Chromium, and finding elements the way Testing Library and Playwright do — by
role and accessible name, as Chromium's accessibility tree computes them (WebDriver's
computed role and label), never by CSS class or id."""

import base64
import hashlib
import hmac
import json
import os
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request
import uuid

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CORPID, CORPSECRET = "dingemulator", "emulator-secret"
APPID, APPSECRET = "1090", "emulator-secret"
WAIT = 10  # seconds any expected change may take to appear
SETTINGS = {"binary": None, "screenshot": None}

# The elements that can have each role (the role itself is then read from Chromium).
CANDIDATES = {
    "button": ".//button",
    "link": ".//a",
    "textbox": ".//input",
    "searchbox": ".//input",
    "spinbutton": ".//input",
    "combobox": ".//select",
    "table": ".//table",
    "figure": ".//figure",
    "form": ".//form",
    "search": ".//form",
    "region": ".//section",
    "heading": ".//h1|.//h2|.//h3",
    "navigation": ".//nav",
    "timer": ".//*[@role='timer']",
    "status": ".//*[@role='status']|.//output",
    "note": ".//*[@role='note']",
    "alert": ".//*[@role='alert']",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator:
    """The real binary on a fresh SQLite file, stopped (SIGTERM) at the end."""

    def __init__(self, *extra):
        self.dir = tempfile.TemporaryDirectory()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        database = "sqlite://" + os.path.join(self.dir.name, "console.db")
        self.process = subprocess.Popen(
            [SETTINGS["binary"], "--bind", f"127.0.0.1:{self.port}", "--database-url", database, *extra],
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

    def call(self, method, path, body=None, headers=None, answer_headers=False):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(request) as response:
                result = response.status, json.load(response), response.headers
        except urllib.error.HTTPError as error:
            result = error.code, json.load(error), error.headers
        return result if answer_headers else result[:2]

    def token(self, corpid=CORPID, corpsecret=CORPSECRET):
        status, body = self.call("GET", f"/gettoken?corpid={corpid}&corpsecret={corpsecret}")
        assert status == 200 and body["errcode"] == 0, body
        return body["access_token"]

    def create_customer(self, token, name):
        body = {"customer": [{"name": name, "address": "杭州市西湖区", "description": "重点客户", "telephone": "0571-88888888"}],
                "contacts": [{"name": "王经理", "mobile": "13800000000", "attached": "采购"}],
                "userIds": ["lisi"], "create_by": "2024-05-01 10:00:00"}
        status, answer = self.call("POST", f"/crm/customer/create?access_token={token}&user_id=zhangsan", body)
        assert answer["errcode"] == 0, answer
        return answer["customerid"]

    def signed(self, path, body, secret=APPSECRET, answer_headers=False):
        nonce, timestamp = uuid.uuid4().hex, str(int(time.time()))
        mac = hmac.new(secret.encode(), (APPID + nonce + timestamp).encode(), hashlib.sha256)
        headers = {"appid": APPID, "nonce": nonce, "timestamp": timestamp,
                   "signature": base64.b64encode(mac.digest()).decode()}
        return self.call("POST", path, body, headers, answer_headers)


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


class ConsoleCase(unittest.TestCase):
    """A test with an emulator (started with `EMULATOR_ARGS`) and a browser; it fails when
    the browser's console logged an error (but those the test says it expects)."""

    EMULATOR_ARGS = ()
    EXPECTED_ERRORS = ()

    def setUp(self):
        self.emulator = Emulator(*self.EMULATOR_ARGS)
        self.driver = browser()
        self.wait = WebDriverWait(self.driver, WAIT, ignored_exceptions=(StaleElementReferenceException,))

    def tearDown(self):
        errors = [e for e in self.driver.get_log("browser") if e["level"] == "SEVERE"
                  and not any(expected in e["message"] for expected in self.EXPECTED_ERRORS)]
        self.driver.quit()
        self.emulator.stop()
        self.assertEqual(errors, [], "the browser console logged errors")

    def open(self, fragment):
        self.driver.get(self.emulator.base + "/_emulator/ui/" + fragment)

    # --- by role and accessible name ---------------------------------------------------

    def all(self, role, name=None, within=None):
        """Every element of `role` whose accessible name is `name` (a string: equal; a
        callable: true of the name; None: any)."""
        root = within or self.driver
        found = []
        for element in root.find_elements(By.XPATH, CANDIDATES[role]):
            if element.aria_role != role:
                continue
            label = element.accessible_name
            if name is None or (name(label) if callable(name) else label == name):
                found.append(element)
        return found

    def find(self, role, name=None, within=None):
        """The one element of `role` named `name`, once it is there."""
        def one(_):
            matches = self.all(role, name, within)
            return matches[0] if len(matches) == 1 else False
        return self.wait.until(one, f"no single {role} named {name!r}")

    def table(self, caption_starts):
        """The table whose caption starts with `caption_starts`."""
        return self.find("table", lambda label: label.startswith(caption_starts))

    def rows(self, caption_starts):
        """The texts of the body rows of that table, read again each time."""
        return [row.text for row in self.table(caption_starts).find_elements(By.XPATH, "./tbody/tr")]

    def click_row(self, caption_starts, xpath):
        """Clicks the row `xpath` finds in that table, finding it again if the console
        re-rendered the table in between (it refreshes its lists by itself)."""
        def clicked(_):
            self.table(caption_starts).find_element(By.XPATH, xpath).click()
            return True
        return self.wait.until(clicked, f"no row {xpath!r} to click in table {caption_starts!r}")

    def eventually(self, condition, message=""):
        """Waits until `condition()` is true, reading the page again each time (the console
        re-renders its lists by itself)."""
        return self.wait.until(lambda _: condition(), message)

    def see(self, text, role="table", name=None):
        """Waits until the element of `role` named `name` shows `text`."""
        if role == "table" and isinstance(name, str):
            return self.eventually(lambda: text in self.table(name).text, f"{text!r} not in table {name!r}")
        return self.eventually(lambda: text in self.find(role, name).text, f"{text!r} not in the {role} {name!r}")

    def main_text(self):
        return self.driver.find_element(By.TAG_NAME, "main").text

    def see_in_page(self, text):
        self.eventually(lambda: text in self.main_text(), f"{text!r} not on the page")

    def button(self, name, within=None):
        return self.find("button", name, within)

    def field(self, label, within=None):
        """The input or select labelled `label`."""
        def one(_):
            for role in ("textbox", "searchbox", "spinbutton", "combobox"):
                matches = self.all(role, label, within)
                if len(matches) == 1:
                    return matches[0]
            return False
        return self.wait.until(one, f"no field labelled {label!r}")
