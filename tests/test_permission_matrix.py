"""Every route × every kind of caller: the status each gets, and that lists never show another agency's rows.

A new route without an entry in tests/permission_matrix.MATRIX fails test_every_route_has_an_entry."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.permission_matrix import EXCLUDED_NAMESPACES, LOGIN, MATRIX, PENDING, build_world

pytestmark = pytest.mark.django_db


def routes():
    """(name, route) of every URL pattern; namespaced names as 'ns:name'."""

    def walk(resolver, prefix, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
                yield name, prefix + str(entry.pattern), namespace

    for name, route, namespace in walk(get_resolver(), "", ""):
        if namespace.split(":")[0] in EXCLUDED_NAMESPACES:
            continue
        yield name or route, route


def test_every_route_has_an_entry():
    names = {name for name, _ in routes()}
    missing = sorted(names - set(MATRIX) - set(PENDING))
    assert not missing, f"routes without an entry in tests/permission_matrix.MATRIX: {missing}"
    stale = sorted((set(MATRIX) | set(PENDING)) - names)
    assert not stale, f"entries for routes that no longer exist: {stale}"


def _client(user):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _matches(expected, response) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and "/accounts/login/" in response.get("Location", "")
    return response.status_code == expected


def test_permission_matrix(request):
    world = build_world(request)
    clients = {}
    problems, leaks = [], []
    for name, entry in MATRIX.items():
        try:
            kwargs = entry.kwargs(world) if entry.kwargs else {}
            url = reverse(name, kwargs=kwargs) + entry.query
        except Exception as exc:  # a broken entry is one problem, not the end of the run
            problems.append(f"{name}: cannot build the URL: {exc!r}")
            continue
        for actor, expected in entry.expect.items():
            if expected is None:
                continue
            who = entry.player(actor)
            if who not in clients:
                clients[who] = _client(world[who] if who else None)
            client = _client(world[who] if who else None) if entry.fresh else clients[who]
            headers = entry.headers(world) if entry.headers else {}
            data = entry.data(world) if callable(entry.data) else entry.data or {}
            if entry.method == "DELETE":
                response = client.delete(url, **headers)
            elif entry.method != "POST":
                response = client.get(url, **headers)
            elif name.startswith("api:"):
                response = client.post(url, data, content_type="application/json", **headers)
            else:
                response = client.post(url, data, **headers)
            got = response.status_code
            ok = _matches(expected, response)
            marker = entry.marker(world) if entry.marker else None
            body = b"".join(response) if getattr(response, "streaming", False) else response.content
            shown = marker is not None and marker.encode() in body
            if marker and actor == "owner" and got == 200 and not shown:
                problems.append(f"{name} {actor}({who}) {entry.method}: list does not show {marker!r}")
            if marker and actor in entry.unseen and shown:
                problems.append(f"{name} {actor}({who}) {entry.method}: LEAK — list shows {marker!r}")
            if entry.foreign and actor == "owner" and entry.foreign(world).encode() in body:
                problems.append(f"{name} {actor}({who}) {entry.method}: LEAK — shows {entry.foreign(world)!r}")
            if not ok:
                line = f"{name} {actor}({who}) {entry.method} {url}: expected {expected} got {got}"
                if actor in entry.xfail:
                    leaks.append(f"{line} [known: {entry.xfail[actor]}]")
                else:
                    problems.append(line)
            elif actor in entry.xfail:
                problems.append(f"{name} {actor}: marked as a known problem but now passes — remove the mark")
    assert not problems, "\n" + "\n".join(problems)
    if leaks:
        pytest.xfail("known problems:\n" + "\n".join(leaks))
