import pytest
from rest_framework.test import APIClient

from django_shopkit.orders.gateways.dummy import DummyGateway
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _reset_gateway():
    # The dummy gateway's ledger is process-wide; no test may see another's charges.
    DummyGateway.reset()
    yield
    DummyGateway.reset()


@pytest.fixture
def staff(db):
    return make_user(is_staff=True, is_superuser=True)


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def other_api(other_user):
    client = APIClient()
    client.force_authenticate(other_user)
    return client


@pytest.fixture(scope="session")
def localstripe():
    """Return the URL of a localstripe server started for this test session."""
    import subprocess
    import sys
    import time
    import urllib.request

    try:
        import localstripe as _localstripe  # noqa: F401
        import stripe  # noqa: F401
    except ImportError as exc:
        from tests.conftest import require_service

        require_service(f"localstripe and stripe are not installed: {exc}")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.localstripe_server"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    url = f"http://127.0.0.1:{process.stdout.readline().strip()}"
    deadline = time.monotonic() + 15
    while True:
        try:
            request = urllib.request.Request(f"{url}/v1/customers")
            request.add_header("Authorization", "Bearer sk_test_shopkit")
            urllib.request.urlopen(request, timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("localstripe did not start")
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(10)
    process.stdout.close()
