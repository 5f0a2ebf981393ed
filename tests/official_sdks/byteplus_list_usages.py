"""BytePlus's official Python SDK (byteplus-sdk) calling ListUsages 2020-12-01 at the emulator.

Usage: byteplus_list_usages.py HOST:PORT APP_ID START END
Credentials come from the SDK's own variables, BYTEPLUS_ACCESSKEY and BYTEPLUS_SECRETKEY (read
by byteplus_sdk.base.Service). Prints the answer's Result as JSON on stdout; on an error the
SDK's exception text goes to stderr and the exit status is 1.
"""

import json
import sys

from byteplus_sdk.ApiInfo import ApiInfo
from byteplus_sdk.Credentials import Credentials
from byteplus_sdk.ServiceInfo import ServiceInfo
from byteplus_sdk.base.Service import Service


def main():
    host, app_id, start, end = sys.argv[1:5]
    # The SDK's RtcService example, with ListUsages added as its API table would have it.
    service_info = ServiceInfo(
        host,
        {"Accept": "application/json"},
        Credentials("", "", "rtc", "ap-singapore-1"),
        5,
        5,
        scheme="http",
    )
    api_info = {
        "ListUsages": ApiInfo(
            "POST", "/", {"Action": "ListUsages", "Version": "2020-12-01"}, {}, {}
        )
    }
    service = Service(service_info, api_info)
    # A dict, as the SDK's json() wants: it hashes json.dumps(body) and sends requests' json=.
    body = {"AppId": app_id, "StartTime": start, "EndTime": end}
    try:
        answer = json.loads(service.json("ListUsages", {}, body))
    except Exception as error:  # the SDK raises Exception(response text) on a non-200
        print(f"byteplus-sdk: {error}", file=sys.stderr)
        return 1
    json.dump(answer, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
