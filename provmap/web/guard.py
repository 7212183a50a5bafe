"""Who may use the page (docs/serve.md, "Who may use it"), checked before every view.

* The Host header must be ``127.0.0.1:PORT`` or ``localhost:PORT`` (a web page elsewhere
  that re-points its own name at 127.0.0.1, "DNS rebinding", is refused).
* Every request carries the token printed at start: in the address (``?token=``) or in
  the HttpOnly, SameSite=Strict cookie set on the first visit with it.  Without it: 403.
* Anything that does work is a POST; a POST from another site's page (its Origin, or the
  browser's Sec-Fetch-Site) is refused even if the browser sent the cookie.
* Every answer forbids resources from other sites (Content-Security-Policy), framing,
  caching and referrers to other sites: the page holds children's data.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import unquote, unquote_plus, urlencode

from flask import Flask, Response, redirect, request

TOKEN_PARAM = "token"
_QUERY = re.compile(r"\?[^\s\"']*")
HIDDEN = "[hidden]"

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on the
    # page's own form posts, which the origin rule must refuse.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

NO_TOKEN = ("<!doctype html><html lang=\"en-GB\"><title>provmap: open the full address</title>"
            "<h1>Open the address provmap printed</h1><p>This page only opens from the "
            "address provmap printed when it started (it ends in <code>?token=</code> and a "
            "long code). Copy it from the window where provmap is running, or start provmap "
            "again.</p></html>")
WRONG_HOST = ("<!doctype html><html lang=\"en-GB\"><title>provmap</title><p>provmap only "
              "answers at http://127.0.0.1:{port}/ on this computer.</p></html>")
FOREIGN_POST = ("<!doctype html><html lang=\"en-GB\"><title>provmap</title><p>provmap "
                "refused a request from another web page.</p></html>")


def cookie_name(port: int) -> str:
    """One cookie per port: cookies ignore ports, and two provmaps may run at once."""
    return f"provmap_token_{port}"


def redact(text: str, token: str | None = None) -> str:
    """A line for the server's log that holds no token, however it was written.

    Every query string is replaced by ``?[hidden]``: a token travels there, and Werkzeug
    accepts its name percent-encoded (``?tok%65n=``), so looking for ``token=`` is not
    enough.  The token itself is replaced wherever else it appears, and a line that still
    holds it once percent-decoded is hidden whole."""
    text = _QUERY.sub("?" + HIDDEN, text)
    if token:
        text = text.replace(token, HIDDEN)
        if token in unquote(unquote_plus(text)):
            return "[a line holding the token, hidden]"
    return text


def install(app: Flask) -> None:
    """Check every request against the rules above, and add the headers to every answer."""

    @app.before_request
    def _guard():
        port = app.config["PROVMAP_PORT"]
        allowed = {f"127.0.0.1:{port}", f"localhost:{port}"}
        if request.host.lower() not in allowed:
            return Response(WRONG_HOST.format(port=port), 403, mimetype="text/html")
        token = app.config["PROVMAP_TOKEN"]
        from_url = request.args.get(TOKEN_PARAM)
        given = from_url or request.cookies.get(cookie_name(port), "")
        if not secrets.compare_digest(given.encode(), token.encode()):
            return Response(NO_TOKEN, 403, mimetype="text/html")
        if request.method not in ("GET", "HEAD"):
            origin = request.headers.get("Origin")
            site = request.headers.get("Sec-Fetch-Site", "same-origin")
            if site not in ("same-origin", "none") or (
                    origin is not None and origin.lower() not in {f"http://{h}" for h in allowed}):
                return Response(FOREIGN_POST, 403, mimetype="text/html")
        if from_url and request.method == "GET":
            # Keep the token in the cookie, out of the address bar, history and bookmarks.
            rest = [(k, v) for k, v in request.args.items(multi=True) if k != TOKEN_PARAM]
            target = request.path + (f"?{urlencode(rest)}" if rest else "")
            answer = redirect(target, 303)
            answer.set_cookie(cookie_name(port), token, httponly=True, samesite="Strict",
                              path="/")
            return answer
        return None

    @app.after_request
    def _headers(response: Response) -> Response:
        for k, v in HEADERS.items():
            response.headers[k] = v
        return response
