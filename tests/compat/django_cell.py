# One Django 3.2 process per step of a compatibility cell: Django's own code
# creates django_session (migrate), writes the sessions and reads them back.
# The settings module is written by the test (DJANGO_SETTINGS_MODULE on PYTHONPATH).
#   write  PLAN OUT: migrate; write every planned row; count what Django calls expired
#   verify IN OUT:   load every live session through SessionStore; run clearsessions
import json
import sys
from datetime import timedelta

import django

django.setup()

from django.contrib.sessions.backends.base import VALID_KEY_CHARS  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402


def expired_now():
    # What clearsessions deletes and what SessionStore.load() refuses.
    return Session.objects.filter(expire_date__lt=timezone.now()).count()


def write(plan_path, out_path):
    plan = json.load(open(plan_path))
    call_command('migrate', verbosity=0)
    now = timezone.now()
    live = []
    bulk = []
    for row in plan:
        expiry = now + timedelta(seconds=row['offsetSeconds'])
        if row['near']:
            # The request path: a session whose expiry the app set explicitly. In seconds:
            # set_expiry(datetime) needs the PickleSerializer, and sites run the JSON default.
            s = SessionStore()
            s['row'] = row['n']
            s.set_expiry(row['offsetSeconds'])
            s.save()
            key = s.session_key
        else:
            # Many rows at once: SessionStore's own encoding, the Session model's bulk insert
            # (the same key alphabet and length SessionStore picks).
            key = get_random_string(32, VALID_KEY_CHARS)
            bulk.append(Session(session_key=key, session_data=SessionStore().encode({'row': row['n']}), expire_date=expiry))
        if row['offsetSeconds'] > 0:
            live.append([key, row['n']])
    Session.objects.bulk_create(bulk, batch_size=500)
    json.dump({'frameworkExpired': expired_now(), 'total': Session.objects.count(), 'live': live}, open(out_path, 'w'))


def verify(in_path, out_path):
    live = json.load(open(in_path))['live']
    found = 0
    for key, n in live:
        # load() returns {} for a missing or expired session (a logged-out user).
        if SessionStore(session_key=key).load().get('row') == n:
            found += 1
    before = Session.objects.count()
    call_command('clearsessions')
    after = Session.objects.count()
    json.dump({'liveFound': found, 'prunerRemoved': before - after}, open(out_path, 'w'))


if __name__ == '__main__':
    {'write': write, 'verify': verify}[sys.argv[1]](sys.argv[2], sys.argv[3])
