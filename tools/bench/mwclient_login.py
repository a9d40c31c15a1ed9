# Bot-password logins with mwclient (Debian's python3-mwclient), driven by the benchmark.
# One process for the whole run (interpreter start-up is not part of a login): it reads one JSON
# object per line on stdin, {"host", "path", "scheme", "user", "password"}, logs in with a fresh
# mwclient.Site (new requests.Session, as a fresh client would) and answers one JSON line:
# {"ok": true, "ms": <wall time from Site() to login() returning>} or {"ok": false, "error": "..."}.
import json
import sys
import time

import mwclient

print(json.dumps({"ready": True, "version": getattr(mwclient, "__version__", getattr(mwclient, "__ver__", "?"))}), flush=True)
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    job = json.loads(line)
    try:
        started = time.perf_counter()
        # The ordinary way to use mwclient: Site() (siteinfo) then login().
        site = mwclient.Site(job["host"], path=job["path"], scheme=job["scheme"])
        site.login(job["user"], job["password"])
        ms = (time.perf_counter() - started) * 1000
        if not site.logged_in:
            raise RuntimeError("not logged in after login()")
        print(json.dumps({"ok": True, "ms": ms, "user": site.username}), flush=True)
    except Exception as e:  # report, the benchmark decides
        print(json.dumps({"ok": False, "error": f"{type(e).__name__}: {e}"}), flush=True)
