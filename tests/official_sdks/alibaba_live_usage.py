"""Alibaba Cloud's official Python client (alibabacloud_live20161101 on Tea OpenAPI) calling
DescribeLiveGrtnDuration or DescribeLiveRtcRecordUsageData (API 2016-11-01) at the emulator.

Usage: alibaba_live_usage.py HOST:PORT OPERATION APP_ID START END [INTERVAL|RECORD_MODE]
OPERATION is `grtn` or `record`. Credentials come from the official variables
ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET. Prints the answer's body as
JSON on stdout; on an error the SDK's error code and message go to stderr and the exit
status is 1.
"""

import json
import os
import sys

from alibabacloud_live20161101 import models
from alibabacloud_live20161101.client import Client
from alibabacloud_tea_openapi import models as open_api_models


def main():
    host, operation, app_id, start, end = sys.argv[1:6]
    extra = sys.argv[6] if len(sys.argv) > 6 else None
    config = open_api_models.Config(
        access_key_id=os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"],
        access_key_secret=os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
        endpoint=host,
        protocol="http",
        region_id="cn-hangzhou",
    )
    client = Client(config)
    try:
        if operation == "grtn":
            request = models.DescribeLiveGrtnDurationRequest(
                app_id=app_id, start_time=start, end_time=end, interval=extra or "86400"
            )
            answer = client.describe_live_grtn_duration(request)
        else:
            request = models.DescribeLiveRtcRecordUsageDataRequest(
                app_id=app_id, start_time=start, end_time=end, record_mode=extra
            )
            answer = client.describe_live_rtc_record_usage_data(request)
    except Exception as error:  # Tea's exceptions carry the vendor's code and message
        code = getattr(error, "code", None)
        message = getattr(error, "message", str(error))
        print(f"alibabacloud: {code}: {message}", file=sys.stderr)
        return 1
    json.dump(answer.body.to_map(), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
