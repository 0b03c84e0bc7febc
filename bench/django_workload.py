# The live site of bench/cleanup-impact.ts as a Django 3.2 application: worker
# threads load, change and save live sessions and create new ones through
# SessionStore (the database backend), and `clearsessions` is the big DELETE.
#
#   django_workload.py --encode
#       prints one encoded session payload (the seeded rows' session_data)
#   django_workload.py --db JSON --cutoff ISO --table T [--workers 4] [--rate 150]
#       JSON {engine: postgresql|mysql, host, port, user, password, name};
#       keys: the sessions of table T live at the cutoff. Then JSON lines:
#       stdin  {"cmd": "phase", "phase": P, "table": T} | {"cmd": "clearsessions"} | {"cmd": "stop"}
#       stdout {"ready": true, "keys": n} first, then one reply per command
#
# Run with Debian's /usr/bin/python3 (python3-django, psycopg2, MySQLdb).
import argparse
import json
import math
import random
import sys
import threading
import time
import traceback

import django
from django.conf import settings

SECRET_KEY = 'janitor-bench-cleanup-impact'


def configure(db):
    databases = {}
    if db:
        databases['default'] = {
            'ENGINE': 'django.db.backends.' + db['engine'],
            'HOST': db['host'],
            'PORT': str(db['port']),
            'USER': db['user'],
            'PASSWORD': db['password'],
            'NAME': db['name'],
            # A DATETIME holds UTC on MySQL with USE_TZ (TIME_ZONE None), as the seed writes it.
        }
    settings.configure(
        SECRET_KEY=SECRET_KEY,
        INSTALLED_APPS=['django.contrib.sessions'],
        SESSION_ENGINE='django.contrib.sessions.backends.db',
        USE_TZ=True,
        TIME_ZONE='UTC',
        DATABASES=databases,
    )
    django.setup()


def encode():
    from django.contrib.sessions.backends.db import SessionStore

    # A signed-in user with a small cart: about 240 bytes once signed and encoded.
    print(SessionStore().encode({
        '_auth_user_id': '48213',
        '_auth_user_backend': 'django.contrib.auth.backends.ModelBackend',
        '_auth_user_hash': 'c2a5e1f0b7d94d3c8e6a9b1f4d7e2c5a8b3f6e9d1c4a7b0e3f6a9c2d5e8b1f4a',
        'visits': 1,
    }))


def use_table(table):
    """Points Django's Session model at `table` (no query may be in flight)."""
    from django.contrib.sessions.models import Session

    Session._meta.db_table = table
    # Field.cached_col remembers the table its column was first read from.
    for f in Session._meta.concrete_fields:
        f.__dict__.pop('cached_col', None)


def percentile(xs, p):
    if not xs:
        return None  # JSON has no NaN: null, read back as NaN
    return xs[min(len(xs) - 1, math.ceil(p / 100 * len(xs)) - 1)]


class Workload:
    def __init__(self, keys, workers, rate):
        self.keys = keys
        self.interval = 1.0 / rate
        self.phase = ''
        self.table = ''
        self.stopping = False
        self.busy = 0
        self.paused = False
        self.cv = threading.Condition()
        self.samples = {}  # phase -> [(op, ms)]
        self.loads = {}  # phase -> [hits, misses]
        self.errors = 0
        self.threads = [threading.Thread(target=self.worker, daemon=True) for _ in range(workers)]
        for t in self.threads:
            t.start()

    def set_phase(self, phase, table):
        with self.cv:
            if table != self.table:
                # Switch the model's table only between operations.
                self.paused = True
                self.cv.wait_for(lambda: self.busy == 0)
                use_table(table)
                self.table = table
                self.paused = False
            self.phase = phase
            self.cv.notify_all()

    def op(self, kind):
        from django.contrib.sessions.backends.db import SessionStore

        if kind == 'read':
            return bool(SessionStore(session_key=random.choice(self.keys)).load())
        if kind == 'refresh':
            # A request that changes its session: load, change, save (Django's UPDATE).
            s = SessionStore(session_key=random.choice(self.keys))
            hit = 'visits' in s
            s['visits'] = s.get('visits', 0) + 1
            s.save()
            return hit
        s = SessionStore()
        s['visits'] = 1
        s['cart'] = [random.randrange(1000) for _ in range(3)]
        s.create()
        return None

    def worker(self):
        from django.db import connections

        nxt = time.perf_counter()
        try:
            while True:
                with self.cv:
                    self.cv.wait_for(lambda: self.stopping or (self.table and not self.paused))
                    if self.stopping:
                        return
                    phase = self.phase
                    self.busy += 1
                roll = random.random()
                kind = 'read' if roll < 0.8 else 'refresh' if roll < 0.95 else 'insert'
                t = time.perf_counter()
                try:
                    hit = self.op(kind)
                    failed = False
                except Exception:
                    traceback.print_exc(file=sys.stderr)
                    hit, failed = None, True
                ms = (time.perf_counter() - t) * 1000
                with self.cv:
                    self.busy -= 1
                    self.errors += failed
                    self.cv.notify_all()
                    if not phase:
                        continue  # an unmeasured gap: the site keeps its load
                    self.samples.setdefault(phase, []).append((kind, ms))
                    if hit is not None:
                        self.loads.setdefault(phase, [0, 0])[0 if hit else 1] += 1
                nxt += self.interval
                wait = nxt - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                else:
                    nxt = time.perf_counter()
        finally:
            connections.close_all()

    def stop(self):
        with self.cv:
            self.stopping = True
            self.cv.notify_all()
        for t in self.threads:
            t.join()
        stats = []
        for phase, xs in self.samples.items():
            if not phase:
                continue
            every = sorted(ms for _, ms in xs)
            by_op = {}
            for kind in ('read', 'refresh', 'insert'):
                s = sorted(ms for k, ms in xs if k == kind)
                by_op[kind] = {'n': len(s), 'p99': percentile(s, 99), 'max': s[-1] if s else None}
            hits, misses = self.loads.get(phase, [0, 0])
            stats.append({
                'phase': phase, 'n': len(every), 'p50': percentile(every, 50), 'p99': percentile(every, 99),
                'max': every[-1], 'byOp': by_op, 'loads': {'hit': hits, 'miss': misses},
                # In the order they happened: worst cases over stretches of equal length.
                'series': [round(ms, 2) for _, ms in xs],
            })
        return {'stats': stats, 'errors': self.errors}


def clearsessions():
    """Django's own pruner on the current table, in a thread of its own (its own connection)."""
    from django.core.management import call_command
    from django.db import connection, connections

    # clear_expired() drops the DELETE's count: read it off the cursor.
    out = {'deleted': 0}

    def count_deleted(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith('DELETE'):
            out['deleted'] += context['cursor'].rowcount
        return result

    def run():
        try:
            with connection.execute_wrapper(count_deleted):
                t = time.perf_counter()
                call_command('clearsessions')
                out['ms'] = (time.perf_counter() - t) * 1000
        except Exception as e:
            traceback.print_exc(file=sys.stderr)
            out['error'] = str(e)
        finally:
            connections.close_all()

    t = threading.Thread(target=run)
    t.start()
    t.join()
    return out


def live_keys(table, cutoff):
    from django.contrib.sessions.models import Session
    from django.db import connections
    from django.utils.dateparse import parse_datetime

    use_table(table)
    keys = list(Session.objects.filter(expire_date__gte=parse_datetime(cutoff)).values_list('session_key', flat=True))
    connections.close_all()
    return keys


def reply(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--encode', action='store_true')
    p.add_argument('--db')
    p.add_argument('--cutoff')
    p.add_argument('--table')
    p.add_argument('--workers', type=int, default=4)
    p.add_argument('--rate', type=float, default=150)
    a = p.parse_args()
    if a.encode:
        configure(None)
        encode()
        return
    configure(json.loads(a.db))
    keys = live_keys(a.table, a.cutoff)
    if not keys:
        raise SystemExit(f'no live sessions in {a.table} at {a.cutoff}')
    w = Workload(keys, a.workers, a.rate)
    reply({'ready': True, 'keys': len(keys)})
    for line in sys.stdin:
        m = json.loads(line)
        if m['cmd'] == 'phase':
            w.set_phase(m['phase'], m['table'])
            reply({'ok': True})
        elif m['cmd'] == 'clearsessions':
            reply(clearsessions())
        elif m['cmd'] == 'stop':
            reply(w.stop())
            return


if __name__ == '__main__':
    main()
