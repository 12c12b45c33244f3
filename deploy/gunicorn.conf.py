"""gunicorn settings for thidua: `gunicorn --config deploy/gunicorn.conf.py config.wsgi` (docs/deploy.md).

Each value can be changed without editing this file through an environment variable, e.g. in
`systemctl edit thidua-web` (`[Service]` / `Environment=GUNICORN_WORKERS=8`). Django's own settings
come from the app's `.env`, read by config/settings.py.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"

# nginx on the same machine forwards to this address; never exposed directly.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")

# Sync workers: every request is short and database-bound; the long ones (a province-wide bundle of
# documents) run in the task worker. 2 × cores + 1 is gunicorn's own rule of thumb.
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
worker_class = "gthread" if threads > 1 else "sync"

# A single PDF (WeasyPrint) takes a few seconds; nothing should take a minute.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30
keepalive = 5

# Restart each worker now and then, so that memory held by document rendering is given back.
max_requests = 1000
max_requests_jitter = 100

# Heartbeat files in memory rather than on disk (the root file system may be read-only under systemd).
worker_tmp_dir = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None

# Only nginx, on this machine, may say that a request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs go to stdout/stderr, that is to the journal under systemd.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The path without its query string (a search may carry a person's name), the status, size and time taken.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

proc_name = "thidua-web"
# No control socket: systemd starts, reloads (HUP) and stops gunicorn.
control_socket_disable = True
