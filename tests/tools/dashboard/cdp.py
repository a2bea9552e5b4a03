"""A small Chrome DevTools Protocol client over --remote-debugging-pipe (file descriptors 3 and 4,
NUL-separated JSON), so the browser test needs nothing beyond python3 and Debian's chromium.
"""
import json
import os
import queue
import shutil
import subprocess
import threading
import time


class BrowserUnavailable(Exception):
    pass


class Browser:
    def __init__(self, user_data_dir, width=1280, height=800):
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if not chromium:
            raise BrowserUnavailable("chromium is not installed")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        args = [chromium, "--headless", "--remote-debugging-pipe", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--password-store=basic",
                "--user-data-dir=" + user_data_dir, "--window-size=%d,%d" % (width, height)]
        if os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to run its sandbox as root
        # The shell puts our pipe ends on the descriptors the browser expects (3: commands in, 4: out).
        command = 'exec "$@" 3<&%d 4>&%d' % (to_browser_r, from_browser_w)
        os.makedirs(user_data_dir, exist_ok=True)
        self.log = open(os.path.join(user_data_dir, "chromium.log"), "w")
        self.proc = subprocess.Popen(["/bin/sh", "-c", command, "sh"] + args + ["about:blank"],
                                     pass_fds=(to_browser_r, from_browser_w), stdout=self.log,
                                     stderr=subprocess.STDOUT)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next_id = 0
        self._replies = {}
        self._cond = threading.Condition()
        self.events = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            self.call("Browser.getVersion", timeout=60)
        except Exception as e:  # noqa: BLE001 — any failure here means the browser cannot start
            self.close()
            raise BrowserUnavailable("chromium did not answer: %s; log: %s" % (e, open(self.log.name).read()[-2000:]))

    def _read(self):
        buffer = b""
        while True:
            try:
                chunk = os.read(self._from_browser, 1 << 20)
            except OSError:
                chunk = b""
            if not chunk:
                with self._cond:
                    self._replies["closed"] = True
                    self._cond.notify_all()
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message:
                    with self._cond:
                        self._replies[message["id"]] = message
                        self._cond.notify_all()
                else:
                    self.events.put(message)

    def call(self, method, params=None, session=None, timeout=30):
        with self._cond:
            self._next_id += 1
            ident = self._next_id
        message = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        with self._cond:
            while ident not in self._replies:
                if self._replies.get("closed"):
                    raise RuntimeError("the browser closed its pipe")
                left = deadline - time.time()
                if left <= 0:
                    raise TimeoutError(method)
                self._cond.wait(left)
            reply = self._replies.pop(ident)
        if "error" in reply:
            raise RuntimeError("%s: %s" % (method, reply["error"]))
        return reply.get("result", {})

    def close(self):
        try:
            os.write(self._to_browser, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        self.log.close()


class Page:
    """One tab, attached with a flat session; console errors and exceptions are collected."""

    def __init__(self, browser):
        self.browser = browser
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.errors = []
        for domain in ("Runtime", "Log", "Page"):
            self.call(domain + ".enable")

    def call(self, method, params=None, timeout=30):
        return self.browser.call(method, params, session=self.session, timeout=timeout)

    def drain_events(self):
        while True:
            try:
                event = self.browser.events.get_nowait()
            except queue.Empty:
                return
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                self.errors.append("console.%s: %s" % (params["type"], [a.get("value", a.get("description"))
                                                                       for a in params.get("args", [])]))
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                self.errors.append("exception: %s" % details.get("exception", {}).get("description", details.get("text")))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                entry = params["entry"]
                self.errors.append("log: %s %s" % (entry.get("text"), entry.get("url", "")))

    def size(self, width, height):
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def navigate(self, url):
        self.call("Page.navigate", {"url": url})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError("evaluate %r: %s" % (expression, result["exceptionDetails"]))
        return result["result"].get("value")

    def wait_for(self, expression, timeout=20, what=None):
        """Polls a JS expression until it is truthy; returns its value."""
        deadline = time.time() + timeout
        while True:
            # A DOM node comes back by value as {}, which is falsy here: report it as true.
            value = self.evaluate("(() => { const v = (%s); return v instanceof Node ? true : v; })()" % expression)
            self.drain_events()
            if value:
                return value
            if time.time() > deadline:
                raise AssertionError("timed out waiting for %s" % (what or expression))
            time.sleep(0.1)

    def screenshot(self, path):
        import base64
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
