vcl 4.1;
# Varnish: the CDN in front of HAProxy, as `make cluster` runs it on loopback. It keeps the
# public responses citycert marks with Surrogate-Control for as long as that says, tags them with
# the keys in Surrogate-Key (the xkey module), and drops every response of a key when citycert
# sends `PURGE` with an `xkey-purge` header (CDN_PURGE_URL): on each change of public data.

import std;
import xkey;

backend haproxy {
    .host = "127.0.0.1";
    .port = "18601";
}

# Who may purge: the app servers and workers.
acl purgers {
    "127.0.0.1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "xkey-purge header missing"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone));
    }
    # Everything else follows Varnish's built-in rules: requests with cookies (a session,
    # messages) or an Authorization header go straight through, uncached.
}

sub vcl_backend_response {
    if (beresp.http.Surrogate-Control ~ "max-age=[0-9]+") {
        set beresp.ttl = std.duration(
            regsub(beresp.http.Surrogate-Control, ".*max-age=([0-9]+).*", "\1") + "s", 0s);
        set beresp.grace = 10s;
        # Kept here; browsers still follow Cache-Control (pages: revalidate with the ETag).
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.xkey;
    unset resp.http.Surrogate-Control;
    unset resp.http.Surrogate-Key;
}
