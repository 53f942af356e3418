#!/usr/bin/env python3
"""Checks Undersigned's pages in a real browser (headless Chromium driven by Selenium).

Run through `scripts/browser-check`, which installs Chromium, its driver and the Python
packages, starts a throwaway server on loopback and stops it afterwards. This program:

- loads the public pages, the sign-in page, the signing flow and an organizer's pages in
  each interface language (en, fr, ar), runs axe-core's WCAG 2.x A/AA rules on each, and
  checks `<html lang>` and `dir` (unless --no-language-check), and that an organizer page
  in French or Arabic has no label, button or table header left as on the English page;
- signs the seed petition in ar and fr, with JavaScript on and with JavaScript off, follows
  the emailed confirmation link and checks that the count went up;
- saves screenshots (laptop 1280x900 and phone 390x844, full page) in --out.

Exits 1 on any axe violation, lang/dir mismatch, untranslated organizer word, unexpected HTTP
status or failed signing.
"""

from __future__ import annotations

import argparse
import base64
import email
import email.policy
import glob
import http.server
import json
import os
import re
import sys
import threading
import time
import traceback
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = ["en", "fr", "ar"]
RTL = {"ar"}
# Words an organizer page may show alike in every language: formats and names, not sentences.
SAME_IN_EVERY_LANGUAGE = {"Markdown", "CSV", "SHA-256", "English", "Français", "العربية", "OpenPGP", "URL"}
LAPTOP = (1280, 900)
PHONE = (390, 844)
MAX_SHOT_HEIGHT = 12000
PAGE_TIMEOUT = 30
SIGN_TIMEOUT = 60
MAIL_TIMEOUT = 30
TRANSLATIONS = {
    "fr": ("Des routes sûres jusqu'à chaque école", "Chaque enfant doit pouvoir aller à l'école en sécurité.",
           "Les enfants doivent arriver à l'école sans danger et y apprendre dans de bonnes conditions."),
    "ar": ("طرق آمنة إلى كل مدرسة", "يجب أن يصل كل طفل إلى المدرسة بأمان.",
           "يجب أن يصل الأطفال إلى المدرسة بأمان وأن يتعلموا في ظروف جيدة."),
}


@dataclass
class PageResult:
    name: str
    lang: str
    url: str
    status: int | None = None
    expected_status: int = 200
    html_lang: str | None = None
    html_dir: str | None = None
    violations: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class SignResult:
    lang: str
    javascript: bool
    email: str
    ok: bool = False
    before: int | None = None
    after: int | None = None
    problem: str | None = None
    seconds: float = 0.0


class Check:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.base = args.base_url.rstrip("/")
        self.slug = args.slug
        self.out = args.out
        self.axe_source = open(args.axe, encoding="utf-8").read()
        self.pages: list[PageResult] = []
        self.signatures: list[SignResult] = []
        self.errors: list[str] = []
        self.screenshots: list[str] = []
        self.organization: str | None = None
        self.draft: str | None = None
        self.translated: str | None = None
        # The interface's words of each organizer page in English, to find them untranslated.
        self.english_words: dict[str, set[str]] = {}
        self.run_id = f"{int(time.time())}-{os.getpid()}"

    # -- the browser ------------------------------------------------------------------

    def driver(self, lang: str, javascript: bool = True) -> webdriver.Chrome:
        options = webdriver.ChromeOptions()
        options.binary_location = self.args.chromium
        for argument in [
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-sync",
            "--disable-features=Translate,MediaRouter,OptimizationHints",
            "--password-store=basic",
            "--hide-scrollbars",
            f"--lang={lang}",
            f"--window-size={LAPTOP[0]},{LAPTOP[1]}",
        ]:
            options.add_argument(argument)
        prefs = {"intl.accept_languages": lang, "translate.enabled": False}
        if not javascript:
            options.add_argument("--blink-settings=scriptEnabled=false")
            prefs["profile.managed_default_content_settings.javascript"] = 2
        options.add_experimental_option("prefs", prefs)
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        options.page_load_strategy = "normal"
        service = Service(executable_path=self.args.chromedriver, log_output=os.devnull)
        driver = webdriver.Chrome(options=options, service=service)
        driver.set_page_load_timeout(PAGE_TIMEOUT)
        driver.set_script_timeout(60)
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Accept-Language": lang}})
        return driver

    def url(self, path: str, lang: str) -> str:
        parts = urllib.parse.urlsplit(path if "://" in path else self.base + path)
        query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        query = [(k, v) for k, v in query if k != "lang"] + [("lang", lang)]
        return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))

    @staticmethod
    def drain(driver: webdriver.Chrome) -> None:
        try:
            driver.get_log("performance")
        except WebDriverException:
            pass

    @staticmethod
    def document_status(driver: webdriver.Chrome) -> int | None:
        """The HTTP status of the last document the browser received."""
        status = None
        try:
            entries = driver.get_log("performance")
        except WebDriverException:
            return None
        for entry in entries:
            try:
                message = json.loads(entry["message"])["message"]
            except (KeyError, ValueError):
                continue
            if message.get("method") != "Network.responseReceived":
                continue
            params = message.get("params", {})
            if params.get("type") == "Document":
                status = params.get("response", {}).get("status")
        return status

    @staticmethod
    def html_attributes(driver: webdriver.Chrome) -> tuple[str | None, str | None]:
        # The page source works with JavaScript off as well.
        source = driver.page_source
        match = re.search(r"<html\b([^>]*)>", source, re.I)
        if not match:
            return None, None
        attributes = dict(
            (name.lower(), value)
            for name, value in re.findall(r'([\w:-]+)\s*=\s*"([^"]*)"', match.group(1))
        )
        return attributes.get("lang"), attributes.get("dir")

    def run_axe(self, driver: webdriver.Chrome) -> list:
        driver.execute_script(self.axe_source + "\n;window.__axeLoaded = true;")
        result = driver.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
              .then(r => done({violations: r.violations.map(v => ({
                  id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 200)}))}))}))
              .catch(e => done({error: String(e)}));
            """,
            AXE_TAGS,
        )
        if "error" in result:
            raise RuntimeError("axe: " + result["error"])
        return result["violations"]

    def screenshot(self, driver: webdriver.Chrome, name: str, size: tuple[int, int] = LAPTOP) -> None:
        width, height = size
        path = os.path.join(self.out, name + ".png")
        try:
            driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": size == PHONE},
            )
            time.sleep(0.2)
            metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
            content = metrics.get("cssContentSize") or metrics.get("contentSize")
            full = min(max(int(content["height"]), height), MAX_SHOT_HEIGHT)
            shot = driver.execute_cdp_cmd(
                "Page.captureScreenshot",
                {
                    "format": "png",
                    "captureBeyondViewport": True,
                    "clip": {"x": 0, "y": 0, "width": width, "height": full, "scale": 1},
                },
            )
            with open(path, "wb") as file:
                file.write(base64.b64decode(shot["data"]))
            self.screenshots.append(path)
        except WebDriverException as error:
            self.errors.append(f"screenshot {name}: {error.msg if hasattr(error, 'msg') else error}")
        finally:
            try:
                driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            except WebDriverException:
                pass

    def inspect(
        self,
        driver: webdriver.Chrome,
        name: str,
        lang: str,
        expected_status: int = 200,
        axe: bool = True,
        navigate: str | None = None,
        area: str = "public",
    ) -> PageResult:
        """Loads `navigate` (a path) if given, else inspects the page the browser is on."""
        started = time.monotonic()
        if navigate is not None:
            self.drain(driver)
            target = self.url(navigate, lang)
            driver.get(target)
        result = PageResult(name=name, lang=lang, url=driver.current_url, expected_status=expected_status)
        if navigate is not None:
            result.status = self.document_status(driver)
            if result.status != expected_status:
                result.problems.append(f"HTTP {result.status}, expected {expected_status}")
        result.html_lang, result.html_dir = self.html_attributes(driver)
        if self.args.language_check == "all" or self.args.language_check == area:
            want_dir = "rtl" if lang in RTL else "ltr"
            if result.html_lang != lang:
                result.problems.append(f'<html lang="{result.html_lang}">, expected "{lang}"')
            if result.html_dir != want_dir:
                result.problems.append(f'<html dir="{result.html_dir}">, expected "{want_dir}"')
        if axe:
            try:
                result.violations = self.run_axe(driver)
            except Exception as error:  # noqa: BLE001 - reported, and fails the run
                result.problems.append(f"axe did not run: {error}")
        if area == "account" and self.args.language_check == "all":
            self.check_interface_words(driver, name, lang, result)
        if area == "account" and lang == "en":
            # Every organizer page at both widths, for review: tables, buttons and forms must
            # fit a laptop and a phone.
            self.screenshot(driver, f"org-{name}-laptop", LAPTOP)
            self.screenshot(driver, f"org-{name}-phone", PHONE)
        elif area == "account" and lang in RTL:
            # Mirrored for a right-to-left language, on the narrowest screen.
            self.screenshot(driver, f"org-{name}-{lang}-phone", PHONE)
        result.seconds = time.monotonic() - started
        self.pages.append(result)
        return result

    def check_interface_words(self, driver: webdriver.Chrome, name: str, lang: str, result: PageResult) -> None:
        """An organizer page's labels, buttons, table headers and legends are the interface's
        own words, never data: in French or Arabic, one that reads exactly as on the English
        page was left untranslated."""
        try:
            texts = {
                element.text.strip()
                for element in driver.find_elements(
                    By.CSS_SELECTOR, "main label, main button, main th, main legend, main summary")
                if element.text.strip()
            }
        except WebDriverException as error:
            result.problems.append(f"cannot read the interface's words: {short(error)}")
            return
        if lang == "en":
            self.english_words[name] = texts
            return
        untranslated = sorted(
            text for text in texts & self.english_words.get(name, set())
            if re.search(r"[A-Za-z]{3}", text) and text not in SAME_IN_EVERY_LANGUAGE)
        if untranslated:
            result.problems.append("untranslated: " + "; ".join(repr(text) for text in untranslated[:8]))

    # -- the server's side ---------------------------------------------------------------

    def count(self) -> int:
        with urllib.request.urlopen(f"{self.base}/api/v1/petitions/{self.slug}", timeout=10) as response:
            return int(json.load(response)["signatureCount"])

    def count_after(self, before: int) -> int:
        """The count once it has gone past `before`; fails after 15 seconds without."""
        deadline = time.monotonic() + 15
        while True:
            after = self.count()
            if after > before:
                return after
            if time.monotonic() > deadline:
                raise AssertionError(f"count stayed at {before} -> {after}")
            time.sleep(0.5)

    def wait_for_mail(self, address: str, since: float) -> email.message.EmailMessage:
        deadline = time.monotonic() + MAIL_TIMEOUT
        while time.monotonic() < deadline:
            files = sorted(glob.glob(os.path.join(self.args.mail_dir, "**", "*.eml"), recursive=True),
                           key=os.path.getmtime, reverse=True)
            for path in files:
                if os.path.getmtime(path) < since - 1:
                    break
                with open(path, "rb") as file:
                    message = email.message_from_binary_file(file, policy=email.policy.default)
                if address.lower() in str(message.get("To", "")).lower():
                    return message
            time.sleep(0.3)
        raise TimeoutError(f"no email to {address} in {self.args.mail_dir} after {MAIL_TIMEOUT}s")

    @staticmethod
    def confirm_link(message: email.message.EmailMessage) -> str:
        texts = []
        for part in message.walk():
            if part.get_content_maintype() == "text":
                texts.append(part.get_content())
        for text in texts:
            match = re.search(r'https?://[^\s"<>]+/confirm/[^\s"<>]+', text)
            if match:
                return match.group(0).rstrip(".,)")
        raise ValueError("no /confirm/ link in the email")

    # -- the checks ---------------------------------------------------------------------

    def self_test(self) -> None:
        """Makes sure axe finds a known violation, and that the JavaScript-off browser runs none."""
        page = ("data:text/html,<title>t</title><img src='x.png'><input name=probe value=''>"
                "<script>document.querySelector('input').value = 'ran'</script>")
        for javascript in (True, False):
            driver = self.driver("en", javascript=javascript)
            try:
                driver.get(page)
                ran = self.evaluate(driver, "document.querySelector('input').value") == "ran"
                if ran != javascript:
                    self.errors.append(f"self-test: the browser with JavaScript {'on' if javascript else 'off'} "
                                       f"{'ran' if ran else 'did not run'} the page's script")
                if javascript:
                    found = {violation["id"] for violation in self.run_axe(driver)}
                    if "image-alt" not in found:
                        self.errors.append(f"self-test: axe missed an image without alt text (found {sorted(found)})")
            finally:
                driver.quit()

    @staticmethod
    def evaluate(driver: webdriver.Chrome, expression: str):
        """Evaluates through DevTools, which works whether or not the page may run scripts."""
        answer = driver.execute_cdp_cmd("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return answer.get("result", {}).get("value")

    def public_pages(self, lang: str) -> None:
        driver = self.driver(lang)
        try:
            slug = self.slug
            self.inspect(driver, "home", lang, navigate="/")
            self.inspect(driver, "petition", lang, navigate=f"/p/{slug}")
            self.screenshot(driver, f"petition-{lang}-laptop", LAPTOP)
            self.screenshot(driver, f"petition-{lang}-phone", PHONE)
            self.inspect(driver, "countries", lang, navigate=f"/p/{slug}/countries")
            self.inspect(driver, "receipt", lang, navigate=f"/p/{slug}/receipt")
            self.inspect(driver, "flyer", lang, navigate=f"/p/{slug}/flyer")
            self.inspect(driver, "report", lang, navigate=f"/p/{slug}/report")
            self.inspect(driver, "not-found", lang, expected_status=404, navigate="/p/no-such-petition-here")
            self.inspect(driver, "sign-in", lang, navigate="/account/sign-in", area="account")
            self.screenshot(driver, f"sign-in-{lang}-phone", PHONE)
            if lang == LANGUAGES[0]:
                self.screenshot(driver, "home-en-laptop", LAPTOP)
            self.organizer_pages(driver, lang)
        finally:
            driver.quit()

    def sign_in(self, driver: webdriver.Chrome, lang: str) -> None:
        driver.get(self.url("/account/sign-in", lang))
        driver.find_element(By.ID, "email").send_keys(self.args.admin_email)
        driver.find_element(By.ID, "password").send_keys(self.args.admin_password)
        before = driver.current_url
        driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        WebDriverWait(driver, PAGE_TIMEOUT).until(lambda d: d.current_url != before and "sign-in" not in d.current_url)

    def organizer_pages(self, driver: webdriver.Chrome, lang: str) -> None:
        try:
            self.sign_in(driver, lang)
        except (TimeoutException, WebDriverException) as error:
            self.errors.append(f"[{lang}] signing in as {self.args.admin_email} failed: {short(error)}")
            return
        self.inspect(driver, "account", lang, navigate="/account", area="account")
        self.inspect(driver, "organization-new", lang, navigate="/org/new", area="account")
        if self.organization is None:
            try:
                driver.find_element(By.ID, "name").send_keys("Browser Check Campaigners")
                driver.find_element(By.ID, "slug").send_keys("browser-check")
                driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
                WebDriverWait(driver, PAGE_TIMEOUT).until(lambda d: "/org/new" not in d.current_url)
                path = urllib.parse.urlsplit(driver.current_url).path
                self.organization = path.strip("/").split("/")[1]
            except (TimeoutException, WebDriverException, IndexError) as error:
                self.errors.append(f"[{lang}] creating an organization failed: {short(error)}")
                return
        organization = self.organization
        self.inspect(driver, "organization", lang, navigate=f"/org/{organization}", area="account")
        self.inspect(driver, "petition-editor-new", lang, navigate=f"/org/{organization}/petitions/new",
                     area="account")
        self.screenshot(driver, f"editor-{lang}-laptop", LAPTOP)
        try:
            if self.draft is None:
                # One petition stays a draft; another gets French and Arabic translations and
                # opens (the server runs with --petition-review optional), so that its public
                # page exists in all three languages.
                self.draft = self.save_petition(driver, lang, "Clean water for every school")
                self.translated = self.save_petition(driver, lang, "Safe roads to every school")
                for language, (title, summary, body) in TRANSLATIONS.items():
                    driver.get(self.url(f"{self.translated}/translation?language={language}", lang))
                    self.fill(driver, title=title, summary=summary, body=body)
                    self.press(driver, "button[name=intent][value=save]")
                driver.get(self.url(self.translated, lang))
                self.press(driver, "form[action$='/submit'] button[type=submit]")
        except (TimeoutException, WebDriverException) as error:
            self.errors.append(f"[{lang}] preparing the organizer's petitions failed: {short(error)}")
            return
        self.inspect(driver, "petition-manage", lang, navigate=self.draft, area="account")
        self.inspect(driver, "petition-editor-draft", lang, navigate=self.draft + "/edit", area="account")
        self.inspect(driver, "translation-editor", lang, navigate=self.draft + "/translation?language=ar",
                     area="account")
        self.inspect(driver, "petition-manage-open", lang, navigate=self.translated, area="account")
        if lang == "en":
            self.campaign_week(driver, lang)
        else:
            # The pages the campaign's week filled, in this language.
            open_petition = self.translated
            for name, path in [
                ("petition-manage-closed", open_petition),
                ("updates", open_petition + "/updates"),
                ("petition-deliveries", open_petition + "/deliveries"),
                ("petition-dashboard", open_petition + "/dashboard"),
                ("organization-after", f"/org/{self.organization}"),
                ("activity", f"/org/{self.organization}/activity"),
                ("audit", f"/org/{self.organization}/audit"),
                ("review-queue", "/admin/review"),
                ("admin-accounts", "/admin/accounts"),
            ]:
                self.inspect(driver, name, lang, navigate=path, area="account")
        public = "/p/" + self.translated.rstrip("/").split("/")[-1]
        self.inspect(driver, "translated-petition", lang, navigate=public)
        self.screenshot(driver, f"translated-petition-{lang}-laptop", LAPTOP)
        self.screenshot(driver, f"translated-petition-{lang}-phone", PHONE)

    def campaign_week(self, driver: webdriver.Chrome, lang: str) -> None:
        """A campaign team's week on the open petition and the draft: a picture on the draft
        and the editor's preview showing it, an update previewed then sent, the petition
        closed, its only target's delivery recorded (so it becomes delivered), that target's
        links revoked. Each step that cannot be undone shows its confirmation page first,
        which is checked and kept as screenshots."""
        draft, open_petition = self.draft, self.translated
        try:
            picture = os.path.join(self.out, "picture.png")
            with open(picture, "wb") as file:
                file.write(tiny_png())
            driver.get(self.url(draft, lang))
            driver.find_element(By.ID, "image").send_keys(picture)
            driver.find_element(By.ID, "alt").send_keys("A school yard")
            self.press(driver, "form[action$='/image'] button[type=submit]")
            driver.get(self.url(draft + "/edit", lang))
            self.press(driver, "button[name=intent][value=preview]")
            self.expect(driver, "editor-preview", ["Addressed to", "Minister of Education", "Goal: 1,000 signatures."])
            if not driver.find_elements(By.CSS_SELECTOR, ".preview img[alt='A school yard']"):
                self.errors.append("[en] the editor's preview does not show the petition's picture")
            self.inspect(driver, "editor-preview", lang, area="account")

            driver.get(self.url(open_petition + "/updates", lang))
            self.fill(driver, subject="We met the minister", body="She *listened*, and promised an answer.")
            self.press(driver, "form[action$='/updates'] button[type=submit]")
            self.expect(driver, "update-confirmation", ["Post this update", "She listened"])
            self.inspect(driver, "update-confirmation", lang, area="account")
            self.press(driver, "input[name=confirmed] ~ p button.danger")
            self.expect(driver, "updates", ["The update is posted", "We met the minister"])

            driver.get(self.url(open_petition, lang))
            self.press(driver, "form[action$='/close'] button[type=submit]")
            self.expect(driver, "close-confirmation", ["for good?", "confirmed signature"])
            self.inspect(driver, "close-confirmation", lang, area="account")
            self.press(driver, "input[name=confirmed] ~ p button.danger")
            self.expect(driver, "closed", ["Closed."])
            self.inspect(driver, "petition-manage-closed", lang, area="account")

            driver.get(self.url(open_petition + "/deliveries", lang))
            driver.find_element(By.ID, "by").send_keys("The campaign team")
            driver.find_element(By.ID, "notes").send_keys("Handed to the minister's office, reference 2026/114.")
            recorded = time.time()
            self.press(driver, "form[action$='/deliveries'] button[type=submit]")
            # The team hears of it: the owner (this admin) is told of every petition by default.
            told = self.wait_for_mail(self.args.admin_email, recorded)
            if "Delivered to Minister of Education" not in str(told.get("Subject", "")):
                self.errors.append(f"[en] the owner was not told of the delivery: {told.get('Subject')!r}")
            self.expect(driver, "deliveries", ["The campaign team", "reference 2026/114"])
            self.inspect(driver, "petition-deliveries", lang, area="account")
            self.press(driver, "button[name=intent][value=revoke]")
            self.expect(driver, "revoke-confirmation", ["Revoke every private link of Minister of Education?"])
            self.inspect(driver, "revoke-confirmation", lang, area="account")

            self.inspect(driver, "petition-dashboard", lang, navigate=open_petition + "/dashboard", area="account")
            self.inspect(driver, "organization-after", lang, navigate=f"/org/{self.organization}", area="account")
            self.inspect(driver, "activity", lang, navigate=f"/org/{self.organization}/activity", area="account")
            self.inspect(driver, "audit", lang, navigate=f"/org/{self.organization}/audit", area="account")
            self.expect(driver, "audit", ["petition “Safe roads to every school”"])
            self.inspect(driver, "updates", lang, navigate=open_petition + "/updates", area="account")
            self.inspect(driver, "review-queue", lang, navigate="/admin/review", area="account")
            self.inspect(driver, "admin-accounts", lang, navigate="/admin/accounts", area="account")
        except (TimeoutException, WebDriverException) as error:
            self.errors.append(f"[{lang}] the campaign's week failed at {driver.current_url}: {short(error)}")

    def expect(self, driver: webdriver.Chrome, step: str, texts: list[str]) -> None:
        page = driver.find_element(By.TAG_NAME, "main").text
        for text in texts:
            if text not in page:
                self.errors.append(f"[en] {step}: the page does not say {text!r}")

    @staticmethod
    def fill(driver: webdriver.Chrome, **fields: str) -> None:
        for name, value in fields.items():
            element = driver.find_element(By.ID, name)
            element.clear()
            element.send_keys(value)

    @staticmethod
    def press(driver: webdriver.Chrome, selector: str) -> None:
        """Presses a form's button and waits for the page that answers."""
        old = driver.find_element(By.TAG_NAME, "html")
        driver.find_element(By.CSS_SELECTOR, selector).click()

        def replaced(d: webdriver.Chrome) -> bool:
            try:
                old.tag_name
                return False
            except WebDriverException:
                return d.execute_cdp_cmd("Runtime.evaluate", {"expression": "document.readyState"}).get(
                    "result", {}).get("value") == "complete"

        WebDriverWait(driver, PAGE_TIMEOUT).until(replaced)

    def save_petition(self, driver: webdriver.Chrome, lang: str, title: str) -> str:
        """Writes a petition in the editor and returns its organizer's page (a path)."""
        driver.get(self.url(f"/org/{self.organization}/petitions/new", lang))
        self.fill(driver, title=title, summary=f"{title}: a petition to check the pages.",
                  body="Children should reach school safely, and learn in good conditions.",
                  goal="1000")
        driver.find_element(By.ID, "target-0-name").send_keys("Minister of Education")
        self.press(driver, "button[name=intent][value=save]")
        path = urllib.parse.urlsplit(driver.current_url).path.rstrip("/")
        if "/petitions/" not in path or path.endswith("/new"):
            raise WebDriverException(f"saving {title!r} did not lead to its page (at {path})")
        return path[: -len("/edit")] if path.endswith("/edit") else path

    def sign(self, lang: str, javascript: bool) -> None:
        mode = "js" if javascript else "nojs"
        address = f"signer-{lang}-{mode}-{self.run_id}@example.org"
        result = SignResult(lang=lang, javascript=javascript, email=address)
        self.signatures.append(result)
        started = time.monotonic()
        prefix = f"sign-{lang}-{mode}"
        driver = self.driver(lang, javascript=javascript)
        try:
            result.before = self.count()
            self.inspect(driver, f"petition ({mode})", lang, navigate=f"/p/{self.slug}", axe=javascript)
            form = driver.find_element(By.CSS_SELECTOR, "form[data-pow-worker]")
            form.find_element(By.NAME, "name").send_keys(f"Signer {lang} {mode}")
            form.find_element(By.NAME, "email").send_keys(address)
            Select(form.find_element(By.NAME, "country")).select_by_value(
                {"ar": "LB", "fr": "FR"}.get(lang, "GB"))
            form.find_element(By.NAME, "showName").click()
            self.screenshot(driver, f"{prefix}-1-filled-phone", PHONE)
            solution = "(document.querySelector('form [name=powSolution]') || {}).value"
            if javascript:
                # sign.js fills in the proof of work (\"0\" when the server is calm).
                WebDriverWait(driver, SIGN_TIMEOUT).until(lambda d: self.evaluate(d, solution))
            elif self.evaluate(driver, solution):
                raise AssertionError("the page's script ran in the browser with JavaScript off")
            sent = time.time()
            self.drain(driver)
            form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            WebDriverWait(driver, SIGN_TIMEOUT).until(lambda d: "check-email" in d.current_url)
            check = self.inspect(driver, f"check-email ({mode})", lang, axe=javascript)
            check.status = self.document_status(driver)
            if check.status != 200:
                check.problems.append(f"HTTP {check.status}, expected 200")
            self.screenshot(driver, f"{prefix}-2-check-email-phone", PHONE)
            link = self.confirm_link(self.wait_for_mail(address, sent))
            parsed = urllib.parse.urlsplit(link)
            if parsed.hostname not in ("127.0.0.1", "localhost"):
                raise ValueError(f"the confirmation link leaves this machine: {link}")
            self.inspect(driver, f"confirm ({mode})", lang, navigate=link, axe=javascript)
            self.screenshot(driver, f"{prefix}-3-confirm-phone", PHONE)
            self.drain(driver)
            self.press(driver, "main form button[type=submit]")
            done = self.inspect(driver, f"confirmed ({mode})", lang, axe=javascript)
            done.status = self.document_status(driver)
            if done.status != 200:
                done.problems.append(f"HTTP {done.status}, expected 200")
            self.screenshot(driver, f"{prefix}-4-confirmed-phone", PHONE)
            result.after = self.count_after(result.before)
            result.ok = True
        except Exception as error:  # noqa: BLE001 - reported, and fails the run
            result.problem = short(error)
            self.screenshot(driver, f"{prefix}-failed", LAPTOP)
        finally:
            result.seconds = time.monotonic() - started
            driver.quit()

    def framed_widget(self) -> None:
        """The widget as a partner site shows it: a page on another origin (a second loopback
        port) frames /p/SLUG/embed, and someone signs inside the frame and confirms from
        the email; the same page framing the petition's own page gets nothing, since only
        the widget may be framed."""
        address = f"signer-framed-{self.run_id}@example.org"
        result = SignResult(lang="en, framed by another site", javascript=True, email=address)
        self.signatures.append(result)
        started = time.monotonic()
        partner = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>A partner's page</title></head>"
            "<body><main><h1>A partner's page</h1>"
            f"<iframe id='widget' title='Sign the petition' src='{self.base}/p/{self.slug}/embed?lang=en' "
            "width='420' height='720'></iframe>"
            f"<iframe id='page' title='The petition' src='{self.base}/p/{self.slug}' width='420' height='300'></iframe>"
            "</main></body></html>"
        ).encode()

        class Partner(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the standard library's name
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(partner)))
                self.end_headers()
                self.wfile.write(partner)

            def log_message(self, *args) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Partner)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        driver = self.driver("en")
        try:
            result.before = self.count()
            driver.get(f"http://127.0.0.1:{server.server_address[1]}/partner.html")
            driver.switch_to.frame(driver.find_element(By.ID, "page"))
            if driver.find_elements(By.CSS_SELECTOR, "form"):
                raise AssertionError("another site could frame the petition's own page")
            driver.switch_to.default_content()
            driver.switch_to.frame(driver.find_element(By.ID, "widget"))
            form = WebDriverWait(driver, PAGE_TIMEOUT).until(lambda d: d.find_element(By.CSS_SELECTOR, "form"))
            form.find_element(By.NAME, "name").send_keys("Signer in a frame")
            form.find_element(By.NAME, "email").send_keys(address)
            Select(form.find_element(By.NAME, "country")).select_by_value("GB")
            self.screenshot(driver, "widget-framed-1-filled-phone", PHONE)
            sent = time.time()
            form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            WebDriverWait(driver, SIGN_TIMEOUT).until(
                lambda d: "check-email" in d.execute_script("return location.pathname"))
            self.screenshot(driver, "widget-framed-2-check-email-phone", PHONE)
            driver.switch_to.default_content()
            link = self.confirm_link(self.wait_for_mail(address, sent))
            driver.get(link)
            self.press(driver, "main form button[type=submit]")
            result.after = self.count_after(result.before)
            result.ok = True
        except Exception as error:  # noqa: BLE001 - reported, and fails the run
            result.problem = "framed widget: " + short(error)
            self.screenshot(driver, "widget-framed-failed", LAPTOP)
        finally:
            result.seconds = time.monotonic() - started
            driver.quit()
            server.shutdown()

    # -- the report ---------------------------------------------------------------------

    def report(self, seconds: float) -> int:
        failed = False
        print()
        print(f"Pages checked: {len(self.pages)} (axe-core {self.axe_version()}, tags {', '.join(AXE_TAGS)}; "
              f"language check: {self.args.language_check})")
        for page in self.pages:
            bad = bool(page.violations or page.problems)
            failed |= bad
            mark = "FAIL" if bad else "ok  "
            print(f"  {mark} [{page.lang}] {page.name:<24} HTTP {page.status}  lang={page.html_lang} "
                  f"dir={page.html_dir}  {page.seconds:.1f}s  {urllib.parse.urlsplit(page.url).path}")
            for problem in page.problems:
                print(f"         - {problem}")
            for violation in page.violations:
                targets = [" ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                           for node in violation["nodes"]]
                print(f"         - axe {violation['id']} ({violation['impact']}): {violation['help']}; "
                      f"{len(targets)} element(s): {', '.join(targets[:3])}{' …' if len(targets) > 3 else ''}")
        print(f"Signatures: {sum(s.ok for s in self.signatures)} of {len(self.signatures)} confirmed and counted")
        for sig in self.signatures:
            failed |= not sig.ok
            mode = "JavaScript on " if sig.javascript else "JavaScript off"
            outcome = f"count {sig.before} -> {sig.after}" if sig.ok else f"FAILED: {sig.problem}"
            print(f"  {'ok  ' if sig.ok else 'FAIL'} [{sig.lang}] {mode}  {sig.seconds:.1f}s  {outcome}")
        if self.errors:
            failed = True
            print("Errors:")
            for error in self.errors:
                print(f"  - {error}")
        print(f"Screenshots: {len(self.screenshots)} in {self.out}")
        violations = sum(len(p.violations) for p in self.pages)
        problems = sum(len(p.problems) for p in self.pages)
        print(f"browser-check: {'FAILED' if failed else 'passed'} in {seconds:.0f}s: "
              f"{violations} axe violation(s), {problems} other page problem(s), "
              f"{sum(not s.ok for s in self.signatures)} failed signing(s), {len(self.errors)} error(s)")
        report = {
            "pages": [page.__dict__ for page in self.pages],
            "signatures": [sig.__dict__ for sig in self.signatures],
            "errors": self.errors,
            "screenshots": self.screenshots,
        }
        with open(os.path.join(self.out, "report.json"), "w", encoding="utf-8") as file:
            json.dump(report, file, indent=1, ensure_ascii=False)
        return 1 if failed else 0

    def axe_version(self) -> str:
        match = re.search(r"axe v([0-9][0-9.]*)", self.axe_source)
        return match.group(1) if match else "?"


def tiny_png() -> bytes:
    """A 4×3 PNG, made here so that the check needs no file of its own."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes([40, 120, 90]) * 4 for _ in range(3))
    header = struct.pack(">IIBBBBB", 4, 3, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def short(error: BaseException) -> str:
    text = getattr(error, "msg", None) or str(error) or type(error).__name__
    return f"{type(error).__name__}: {text.splitlines()[0] if text else ''}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--mail-dir", required=True)
    parser.add_argument("--axe", required=True, help="path of axe.min.js")
    parser.add_argument("--out", required=True)
    parser.add_argument("--slug", default="syria-children-un-investigation")
    parser.add_argument("--admin-email", default=os.environ.get("BROWSER_CHECK_ADMIN_EMAIL"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--language-check", choices=["all", "public", "off"], default="all",
                        help="check <html lang> and dir on every page (all), on the public pages only "
                             "(not sign-in, account and organization pages), or nowhere")
    parser.add_argument("--no-language-check", dest="language_check", action="store_const", const="off")
    parser.add_argument("--no-signing", action="store_true")
    args = parser.parse_args()
    args.admin_password = os.environ.get("BROWSER_CHECK_ADMIN_PASSWORD", "")
    os.makedirs(args.out, exist_ok=True)
    # The previous run's screenshots go (only those: the directory may hold other files).
    try:
        with open(os.path.join(args.out, "report.json"), encoding="utf-8") as file:
            for old in json.load(file).get("screenshots", []):
                if os.path.dirname(os.path.abspath(old)) == os.path.abspath(args.out) and old.endswith(".png"):
                    os.remove(old)
    except (OSError, ValueError, AttributeError):
        pass

    check = Check(args)
    started = time.monotonic()
    languages = [lang for lang in args.languages.split(",") if lang]
    try:
        check.self_test()
    except Exception as error:  # noqa: BLE001
        check.errors.append(f"self-test: {short(error)}")
    for lang in languages:
        print(f"[{lang}] pages …", flush=True)
        try:
            check.public_pages(lang)
        except Exception as error:  # noqa: BLE001
            traceback.print_exc()
            check.errors.append(f"[{lang}] pages: {short(error)}")
    if not args.no_signing:
        for lang in [lang for lang in ("ar", "fr") if lang in languages]:
            for javascript in (True, False):
                print(f"[{lang}] signing with JavaScript {'on' if javascript else 'off'} …", flush=True)
                check.sign(lang, javascript)
        print("[en] signing in the widget, framed by a page of another origin …", flush=True)
        check.framed_widget()
    return check.report(time.monotonic() - started)


if __name__ == "__main__":
    sys.exit(main())
