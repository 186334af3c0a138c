"""Python/boto3 baseline for the cold-start benchmark: the same work as Snapback's security-group handler.

Parse the EventBridge envelope, decide (ingress opened to the world on a non-public port), revoke the rule ids the
event created, claim and complete the audit item, publish the alert. Endpoint, region, table and topic come from the same
environment variables the Java handler reads. Run as a fresh process per sample by bench/coldstart/harness.py,
which reads the timing lines this script prints; with --snapshot, restored from one CRIU snapshot per sample.
"""
import time

T_MAIN = time.time_ns()

import json
import os
import sys

import boto3

WORLD = {"0.0.0.0/0", "::/0"}
PUBLIC_PORTS = {80, 443}

_endpoint = os.environ.get("AWS_ENDPOINT_URL")  # boto3 1.26 (Debian) predates AWS_ENDPOINT_URL support
ec2 = boto3.client("ec2", endpoint_url=_endpoint)
dynamodb = boto3.client("dynamodb", endpoint_url=_endpoint)
sns = boto3.client("sns", endpoint_url=_endpoint)


def opened_rules(detail):
    """Rule ids of ingress rules the call opened to the world on a non-public port."""
    if detail.get("errorCode") or detail.get("eventName") != "AuthorizeSecurityGroupIngress":
        return []
    rules = detail.get("responseElements", {}).get("securityGroupRuleSet", {}).get("items", [])
    return [r["securityGroupRuleId"] for r in rules
            if not r.get("isEgress")
            and (r.get("cidrIpv4") in WORLD or r.get("cidrIpv6") in WORLD)
            and not (r.get("fromPort") == r.get("toPort") and r.get("fromPort") in PUBLIC_PORTS)]


def handler(event, context):
    detail = event["detail"]
    rule_ids = opened_rules(detail)
    if not rule_ids:
        return {"outcome": "clean"}
    group_id = detail["requestParameters"]["groupId"]
    ec2.revoke_security_group_ingress(GroupId=group_id, SecurityGroupRuleIds=rule_ids)
    table = os.environ["SNAPBACK_AUDIT_TABLE"]
    key = {"eventId": {"S": detail["eventID"]}, "detectorId": {"S": "security-group-opened"}}
    # Claim the event first (a duplicate delivery stops here), then record the outcome: what the Java handler does.
    dynamodb.update_item(TableName=table, Key=key, UpdateExpression="SET #s = :claimed, #r = :resource",
                         ConditionExpression="attribute_not_exists(eventId)",
                         ExpressionAttributeNames={"#s": "status", "#r": "resource"},
                         ExpressionAttributeValues={":claimed": {"S": "claimed"}, ":resource": {"S": group_id}})
    dynamodb.update_item(TableName=table, Key=key, UpdateExpression="SET #s = :s, actions = :a",
                         ExpressionAttributeNames={"#s": "status"},
                         ExpressionAttributeValues={":s": {"S": "remediated"},
                                                    ":a": {"L": [{"S": "revoke " + r} for r in rule_ids]}})
    sns.publish(
        TopicArn=os.environ["SNAPBACK_ALERT_TOPIC_ARN"],
        Subject=f"[HIGH] {group_id} opened to the world in {detail['recipientAccountId']}/{detail['awsRegion']} - revoked",
        Message=json.dumps({"detector": "security-group-opened", "group": group_id, "revoked": rule_ids}),
        MessageAttributes={"severity": {"DataType": "String", "StringValue": "HIGH"},
                           "outcome": {"DataType": "String", "StringValue": "remediated"}},
    )
    return {"outcome": "remediated", "revoked": rule_ids}


def invoke(event_path):
    with open(event_path, "rb") as f:
        event = json.load(f)
    result = handler(event, None)
    if result.get("outcome") != "remediated":
        sys.exit("expected a remediation, got " + json.dumps(result))


def snapshot(port, ready_file, event_path):
    """SnapStart as the harness emulates it with CRIU: init is done (imports, clients); wait on a loopback port to be
    snapshotted. Each restored copy wakes up when the harness connects, runs one invocation and reports on that
    connection."""
    import socket
    with socket.create_server(("127.0.0.1", port), backlog=1) as wake:
        with open(ready_file, "w") as f:
            f.write(f"init_ms={(time.time_ns() - T_MAIN) // 1_000_000}")
        restored, _ = wake.accept()
        with restored:
            t_restored = time.time_ns()
            invoke(event_path)
            restored.sendall(f"BENCH restored_ns={t_restored} init_done_ns={t_restored} return_ns={time.time_ns()}\n".encode())


if __name__ == "__main__":
    if sys.argv[1] == "--snapshot":
        snapshot(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        T_INIT_DONE = time.time_ns()
        invoke(sys.argv[1])
        print(f"BENCH main_ns={T_MAIN} init_done_ns={T_INIT_DONE} return_ns={time.time_ns()}", flush=True)
