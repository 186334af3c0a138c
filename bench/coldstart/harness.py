#!/usr/bin/env python3
"""Cold-start harness: fresh process per sample, Java variants and the Python/boto3 baseline interleaved in one run,
all against the same WireMock stub. Prints a Markdown table (p50/p90 from process start to handler return, the
init/invoke split, the ratio to Python) and writes every sample to target/coldstart-results.json.

Started by run.sh, which builds the jars, fetches WireMock and passes the paths below.
"""
import argparse
import json
import os
import random
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
# The project's own finding fixture: ssh opened to 0.0.0.0/0, remediated by revoking the rule id the call created.
EVENT = os.path.join(ROOT, "events", "security-group-opened", "finding", "AuthorizeSecurityGroupIngress-ipv4-world-ssh.json")

# The JVM flags of Lambda's managed Java runtime (java17/java21 command line as published from inside the runtime;
# java25 keeps TieredStopAtLevel=1 for on-demand functions and drops the Log4j hot-patch agent). Lambda ships its own
# CDS archive (-XX:SharedArchiveFile=/var/lang/lib/server/runtime.jsa); here the JDK's default archive stands in
# (-Xshare:auto). MaxHeapSize is what Lambda sets for a 512 MB function; MaxRAM makes the JVM size its initial heap for
# that memory, as a function's JVM sees only its own, rather than for this machine's 24 GB.
LAMBDA_JVM_FLAGS = [
    "-XX:MaxHeapSize=445645k", "-XX:MaxRAM=512m", "-XX:+UseSerialGC", "-Xshare:auto",
    "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
    "--add-opens=java.base/java.io=ALL-UNNAMED", "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac",
    "-Djava.net.preferIPv4Stack=true", "-XX:+ErrorFileToStderr",
]

# SnapStart functions on java25 run with the JVM's default tiered compilation (C1 and C2). The JVM's perf-data file
# is left out: CRIU would have to restore a file the JVM deletes when it exits.
SNAPSTART_JVM_FLAGS = [f for f in LAMBDA_JVM_FLAGS if f != "-XX:TieredStopAtLevel=1"] + ["-XX:-UsePerfData"]

HANDLER = "dev.snapback.handler.SecurityGroupHandler"
STANDIN = "dev.snapback.bench.standin.StandInSecurityGroupHandler"
LAUNCHER = "dev.snapback.bench.launcher.LambdaLauncher"
CLASS_GROUPS = [("jdk", ("java.", "javax.", "jdk.", "sun.", "com.sun.")),
                ("aws-sdk", ("software.amazon.awssdk.",)),
                ("powertools", ("software.amazon.lambda.powertools.",)),
                ("log4j/slf4j", ("org.apache.logging.", "org.slf4j.")),
                ("jackson", ("com.fasterxml.",)),
                ("snapback", ("dev.snapback.",)),
                ("lambda-core", ("com.amazonaws.services.lambda.",))]
BENCH_LINE = re.compile(r"^BENCH (.*)$", re.M)
CONTAINER_CREDENTIALS_PATH = "/container-credentials"
STUB_KEYSTORE_PASSWORD = "snapback-bench"  # guards a key made for one run and thrown away
REGION = "eu-west-1"
# The services the handler calls, by the suffix of the SDK's AWS_ENDPOINT_URL_<SERVICE> variables.
SERVICE_HOSTS = {"EC2": f"ec2.{REGION}.amazonaws.com", "DYNAMODB": f"dynamodb.{REGION}.amazonaws.com",
                 "SNS": f"sns.{REGION}.amazonaws.com"}
PYTHON_SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"  # what Debian's botocore trusts by default
# The calls of one sample. The Python peer and the Java stand-in claim, revoke, publish and complete. Snapback's
# handler also reads the group's rules before the revoke, and records the outcomes before paging (a third UpdateItem).
EXPECTED_CALLS = ["DynamoDB_20120810.UpdateItem", "DynamoDB_20120810.UpdateItem", "Publish", "RevokeSecurityGroupIngress"]
HANDLER_CALLS = sorted(EXPECTED_CALLS + ["DescribeSecurityGroupRules", "DynamoDB_20120810.UpdateItem"])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def admin(port, method, path):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/__admin/{path}", method=method)
    with urllib.request.urlopen(req, timeout=10) as resp:
        body = resp.read()
        return json.loads(body) if body else None


def make_tls(java):
    """AWS endpoints speak TLS, so the stub does too: a CA made for this run and a certificate it signs (RSA 2048 and
    SHA-256, as AWS's), sent with the CA as the chain. Each side trusts the CA the way it trusts AWS's: Java through a
    copy of the JDK's cacerts, in the format it has, with the CA added (password-less if PKCS12, as cacerts is);
    Python through the system bundle plus the CA. On Lambda each service is another host, so the JVM's one HTTP client
    opens a connection, and does a handshake, per service: Java reaches the stub under the services' own host names (a
    hosts file of its own maps them to 127.0.0.1), Python at 127.0.0.1, where each boto3 client has its own
    connection pool anyway. Nothing here leaves target/."""
    tls = os.path.join(HERE, "target", "tls")
    shutil.rmtree(tls, ignore_errors=True)
    os.makedirs(tls)
    keytool = os.path.join(os.path.dirname(java), "keytool")
    ca, stub, truststore = (os.path.join(tls, n) for n in ("ca.p12", "stub.p12", "truststore.p12"))
    ca_pem, bundle = os.path.join(tls, "ca.pem"), os.path.join(tls, "ca-bundle.pem")
    store = ["-storepass", STUB_KEYSTORE_PASSWORD, "-storetype", "PKCS12"]

    def run(*args, stdin=None):
        done = subprocess.run([keytool, *args], input=stdin, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"keytool {args[0]} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    run("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=Snapback cold-start bench CA", "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign",
        "-keystore", ca, *store)
    ca_cert = run("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, *store)
    with open(ca_pem, "w") as f:
        f.write(ca_cert)
    run("-genkeypair", "-alias", "stub", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=127.0.0.1", "-keystore", stub, *store)
    request = run("-certreq", "-alias", "stub", "-keystore", stub, *store)
    names = ",".join(["ip:127.0.0.1", *(f"dns:{host}" for host in SERVICE_HOSTS.values())])
    signed = run("-gencert", "-rfc", "-alias", "ca", "-keystore", ca, *store, "-validity", "2", "-sigalg", "SHA256withRSA",
                 "-ext", f"san={names}", "-ext", "eku=serverAuth", stdin=request)
    run("-importcert", "-noprompt", "-alias", "stub", "-keystore", stub, *store, stdin=signed + ca_cert)
    shutil.copyfile(os.path.join(os.path.dirname(os.path.dirname(java)), "lib", "security", "cacerts"), truststore)
    run("-J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE", "-J-Dkeystore.pkcs12.macAlgorithm=NONE",
        "-importcert", "-noprompt", "-alias", "snapback-bench-ca", "-file", ca_pem, "-keystore", truststore,
        "-storepass", "changeit")
    with open(bundle, "w") as f, open(PYTHON_SYSTEM_CA_BUNDLE) as system:
        f.write(system.read() + ca_cert)
    hosts = os.path.join(tls, "hosts")
    with open(hosts, "w") as f, open("/etc/hosts") as system:
        f.write(system.read() + "\n127.0.0.1 " + " ".join(SERVICE_HOSTS.values()) + "\n")
    return {"keystore": stub, "java_flags": [f"-Djavax.net.ssl.trustStore={truststore}", f"-Djdk.net.hosts.file={hosts}"],
            "ca_bundle": bundle, "ca_pem": ca_pem}


def start_stub(java, wiremock_jar, port, https_port, tls, max_seconds):
    # `timeout` bounds the stub even if this script is killed; run.sh also stops it on exit. The plain port serves
    # WireMock's admin API (and the calls, with --transport http).
    proc = subprocess.Popen(
        ["timeout", str(max_seconds), java, "-Xmx256m", "-jar", wiremock_jar, "--bind-address", "127.0.0.1",
         "--port", str(port), "--https-port", str(https_port), "--https-keystore", tls["keystore"],
         "--keystore-type", "PKCS12", "--keystore-password", STUB_KEYSTORE_PASSWORD,
         "--key-manager-password", STUB_KEYSTORE_PASSWORD,
         "--root-dir", os.path.join(HERE, "stub"), "--disable-banner", "--max-request-journal-entries", "100"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            admin(port, "GET", "health")
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit("WireMock did not start")


def warm_stub(port, endpoint, ca_pem, rounds=300):
    """Let the stub's own JIT (and TLS) settle before any sample, so it answers every variant equally fast."""
    tls = ssl.create_default_context(cafile=ca_pem)
    calls = [({"X-Amz-Target": "DynamoDB_20120810.UpdateItem"}, b'{"TableName":"warm-up"}'),
             ({}, b"Action=RevokeSecurityGroupIngress&GroupId=sg-1&SecurityGroupRuleId.1=sgr-0e1f2a3b4c5d60001"),
             ({}, b"Action=Publish&TopicArn=arn:aws:sns:eu-west-1:111122223333:warm-up&Message=warm-up")]
    for _ in range(rounds):
        for headers, body in calls:
            req = urllib.request.Request(endpoint + "/", data=body, headers=headers, method="POST")
            urllib.request.urlopen(req, timeout=10, context=tls).read()
    admin(port, "DELETE", "requests")


def call_name(request):
    target = request.get("headers", {}).get("X-Amz-Target")
    if target:
        return target
    match = re.search(r"Action=([A-Za-z]+)", request.get("body", ""))
    return match.group(1) if match else request.get("url")


def check_calls(port, label, expected=EXPECTED_CALLS):
    """Every sample must have made exactly these calls (audit claim and completion, alert, revoke, and for the
    +snapstart rows whatever credential fetch the variant makes), all answered by a mapping rather than the 400
    fallback."""
    journal = admin(port, "GET", "requests")["requests"]
    calls = sorted(call_name(r["request"]) for r in journal)
    failed = [r for r in journal if r["responseDefinition"]["status"] != 200]
    admin(port, "DELETE", "requests")
    if calls != expected or failed:
        sys.exit(f"{label}: expected exactly {expected}, stub saw {calls}"
                 + (f"; unmatched: {[f['request']['url'] for f in failed]}" if failed else ""))


def run_once(variant, env, port, label):
    if variant["kind"] == "snapshot":
        return restore_once(variant, port, label)
    t0 = time.time_ns()
    proc = subprocess.run(variant["cmd"], env=env, capture_output=True, text=True, timeout=120)
    t_exit = time.time_ns()
    match = BENCH_LINE.search(proc.stdout)
    if proc.returncode != 0 or not match:
        sys.exit(f"{label} failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    check_calls(port, label, variant.get("expected_calls", EXPECTED_CALLS))
    f = {k: int(v) for k, v in (kv.split("=") for kv in match.group(1).split())}
    return {
        "total_ms": (f["return_ns"] - t0) / 1e6,          # process start -> handler returned
        "boot_ms": (f["main_ns"] - t0) / 1e6,             # process start -> first line of main / script
        "init_ms": (f["init_done_ns"] - f["main_ns"]) / 1e6,
        "invoke_ms": (f["return_ns"] - f["init_done_ns"]) / 1e6,
        "exit_ms": (t_exit - t0) / 1e6,
    }


def prepare_snapshot(variant, env, stub_port, criu):
    """Init (and, for Java, the SnapStart hooks' priming) in a process of its own, then a CRIU snapshot of it. The
    process must not have called the stub: priming answers every AWS call inside the process."""
    work = variant["snapshot_dir"]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "images"))
    ready, log = os.path.join(work, "ready"), os.path.join(work, "process.log")
    with open(log, "w") as out:
        proc = subprocess.Popen(variant["prepare"](variant["wake_port"], ready), env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 300
    while not os.path.exists(ready):
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            sys.exit(f"{variant['name']}: snapshot preparation failed:\n{open(log).read()[-4000:]}")
        time.sleep(0.05)
    time.sleep(0.2)  # the ready file is written just before accept(): let the process reach it
    dump = subprocess.run([criu, "dump", "-t", str(proc.pid), "-D", os.path.join(work, "images"),
                           "-o", "dump.log", "-v2"], capture_output=True, text=True)
    proc.wait(timeout=30)
    if dump.returncode != 0:
        sys.exit(f"{variant['name']}: criu dump failed; see {os.path.join(work, 'images', 'dump.log')}")
    check_calls(stub_port, f"{variant['name']} snapshot", expected=[])
    variant["log_size"] = os.path.getsize(log)
    with open(ready) as f:
        variant["prepared"] = dict(kv.split("=") for kv in f.read().split())
    variant["criu"] = criu


def restore_once(variant, stub_port, label):
    """One SnapStart-like cold start: restore the snapshot, wake it, read its report. Timed from just before the
    restore command starts to the instant the handler returns."""
    work = variant["snapshot_dir"]
    # CRIU restores open files at their size and offset: the log must be as long as it was at the snapshot.
    os.truncate(os.path.join(work, "process.log"), variant["log_size"])
    t0 = time.time_ns()
    restore = subprocess.Popen([variant["criu"], "restore", "-D", os.path.join(work, "images"), "-o", "restore.log", "-v2"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while True:
        try:
            conn = socket.create_connection(("127.0.0.1", variant["wake_port"]), timeout=60)
            break
        except OSError:
            if restore.poll() is not None or time.time() > deadline:
                sys.exit(f"{label}: restore failed; see {os.path.join(work, 'images', 'restore.log')}")
            time.sleep(0.0005)
    with conn:
        report = b""
        while chunk := conn.recv(4096):
            report += chunk
    if restore.wait(timeout=60) != 0:
        sys.exit(f"{label}: the restored process failed (exit {restore.returncode}); see {os.path.join(work, 'process.log')}")
    match = BENCH_LINE.search(report.decode())
    if not match:
        sys.exit(f"{label}: no BENCH line from the restored process; see {os.path.join(work, 'process.log')}")
    check_calls(stub_port, label, variant["expected_calls"])
    f = {k: int(v) for k, v in (kv.split("=") for kv in match.group(1).split())}
    return {
        "total_ms": (f["return_ns"] - t0) / 1e6,          # restore started -> handler returned
        "boot_ms": (f["restored_ns"] - t0) / 1e6,         # restore started -> the process runs again
        "init_ms": (f["init_done_ns"] - f["restored_ns"]) / 1e6,  # afterRestore hooks
        "invoke_ms": (f["return_ns"] - f["init_done_ns"]) / 1e6,
    }


def pct(values, p):
    """Nearest-rank percentile."""
    s = sorted(values)
    return s[max(0, min(len(s) - 1, -(-len(s) * p // 100) - 1))]


def classes_loaded(variant, env, port):
    """One extra, untimed run with -Xlog:class+load: classes loaded, and how many came from the CDS/AOT archive."""
    if variant["kind"] != "java":
        return None
    log = os.path.join(HERE, "target", f"classload-{variant['name']}.log")
    cmd = list(variant["cmd"])
    cmd.insert(1, f"-Xlog:class+load=info:file={log}")
    subprocess.run(cmd, env=env, capture_output=True, timeout=120, check=True)
    check_calls(port, f"{variant['name']} class-load run", variant.get("expected_calls", EXPECTED_CALLS))
    with open(log) as f:
        lines = [line for line in f if "source:" in line]
    shared = sum(1 for line in lines if "shared objects file" in line)
    groups = {}
    for line in lines:
        name = line.split("]")[-1].split()[0]
        group = next((g for g, prefixes in CLASS_GROUPS if name.startswith(prefixes)), "other")
        groups[group] = groups.get(group, 0) + 1
    return {"loaded": len(lines), "from_cds_or_aot": shared, "by_group": groups}


def variants(args, java_flags):
    """java_flags: what every JVM gets besides Lambda's flags (the trust store and host names of the TLS stub)."""
    java, lambda_jar = args.java, args.lambda_jar
    # Jars, not directories: CDS/AOT caches accept only jars on the class path. The runtime interface client comes
    # first, as on Lambda, whose runtime puts its own jars ahead of the function's.
    launcher_cp = args.runtime_jar + os.pathsep + args.launcher_jar
    standin_cp = launcher_cp + os.pathsep + args.standin_classpath if args.standin_classpath else None

    def jvm(name, cp, handler, extra=(), extra_env=None):
        return {"name": name, "kind": "java", "env": extra_env or {},
                "cmd": [java, *LAMBDA_JVM_FLAGS, *java_flags, *extra, "-cp", cp, LAUNCHER, handler, EVENT]}

    def with_aot(base):
        """The same variant started with a JDK 25 AOT cache (JEP 483/514/515) trained by one invocation on the stub."""
        cache = os.path.join(HERE, "target", base["name"] + ".aot")
        cmd = [a for a in base["cmd"] if a != "-Xshare:auto"]  # the AOT cache replaces the default CDS archive
        return {**base, "name": base["name"] + "+aot", "aot_cache": cache,
                "cmd": [cmd[0], f"-XX:AOTCache={cache}", *cmd[1:]],
                "train": [cmd[0], f"-XX:AOTCacheOutput={cache}", *cmd[1:]]}

    table = {
        "python-boto3": {"name": "python-boto3", "kind": "python", "env": {},
                         "cmd": ["/usr/bin/python3", os.path.join(HERE, "python", "handler.py"), EVENT]},
    }
    handler_cp = launcher_cp + os.pathsep + lambda_jar
    table["java-handler"] = {**jvm("java-handler", handler_cp, HANDLER), "expected_calls": HANDLER_CALLS}
    if args.baseline_jar:  # another build of the jar, e.g. from before a change, measured side by side
        baseline_cp = launcher_cp + os.pathsep + args.baseline_jar
        table["java-baseline"] = {**jvm("java-baseline", baseline_cp, HANDLER), "expected_calls": HANDLER_CALLS}
    if standin_cp:
        table["standin-urlconn"] = jvm("standin-urlconn", standin_cp, STANDIN)
        if not java_flags:  # the CRT client trusts the OS's store and resolves names itself: plain HTTP only
            table["standin-crt"] = jvm("standin-crt", standin_cp, STANDIN, extra_env={"BENCH_HTTP": "crt"})
        table["standin-default-chain"] = jvm("standin-default-chain", standin_cp, STANDIN,
                                             extra_env={"BENCH_CREDENTIALS": "default"})
        table["standin-lazy"] = jvm("standin-lazy", standin_cp, STANDIN, extra_env={"BENCH_INIT": "lazy"})
        table["standin-parallel"] = jvm("standin-parallel", standin_cp, STANDIN, extra_env={"BENCH_INIT": "parallel"})
    for name in [n for n in table if n != "python-boto3"]:
        table[name + "+aot"] = with_aot(table[name])

    def with_snapshot(name, prepare, container_credentials, calls=HANDLER_CALLS):
        """SnapStart emulated with CRIU: one snapshot after init (and the hooks' priming), restored for every sample.
        container_credentials: credentials come from a container-credentials endpoint, as Lambda gives SnapStart
        functions, and the restored process fetches them on first use, as the SDK for Java does. boto3 resolves
        credentials when it creates its clients, at init, so a restored Python process fetches none either way; it
        keeps them in the environment, because CRIU cannot snapshot the connection boto3 would keep open."""
        return {"name": name, "kind": "snapshot", "env": {}, "wake_port": free_port(),
                "snapshot_dir": os.path.join(HERE, "target", "snapshot-" + name), "prepare": prepare,
                "container_credentials": container_credentials,
                "expected_calls": sorted(calls + ([CONTAINER_CREDENTIALS_PATH] if container_credentials else []))}

    table["java-handler+snapstart"] = with_snapshot("java-handler+snapstart", lambda port, ready: [
        java, *SNAPSTART_JVM_FLAGS, *java_flags, "-cp", handler_cp, LAUNCHER, "--snapshot", str(port), ready, HANDLER, EVENT],
        container_credentials=True)
    if args.baseline_jar:
        table["java-baseline+snapstart"] = with_snapshot("java-baseline+snapstart", lambda port, ready: [
            java, *SNAPSTART_JVM_FLAGS, *java_flags, "-cp", baseline_cp, LAUNCHER, "--snapshot", str(port), ready, HANDLER, EVENT],
            container_credentials=True)
    table["python-boto3+snapstart"] = with_snapshot("python-boto3+snapstart", lambda port, ready: [
        "/usr/bin/python3", os.path.join(HERE, "python", "handler.py"), "--snapshot", str(port), ready, EVENT],
        container_credentials=False, calls=EXPECTED_CALLS)
    chosen = args.variants.split(",")
    missing = [v for v in chosen if v not in table]
    if missing:
        sys.exit(f"unknown or unavailable variants {missing}; available: {sorted(table)}")
    return [table[v] for v in chosen]


def base_env(endpoint, service_endpoints, ca_bundle):
    with open(os.path.join(ROOT, "examples", "snapback-config.json")) as f:
        config = f.read()
    return {
        "PATH": os.environ["PATH"],
        "LANG": "C.UTF-8",
        # What Lambda gives an on-demand function: region, temporary credentials in the environment, no ~/.aws files.
        "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "ASIABENCHEXAMPLEKEY1", "AWS_SECRET_ACCESS_KEY": "bench-secret-not-real",
        "AWS_SESSION_TOKEN": "bench-session-token", "AWS_LAMBDA_FUNCTION_NAME": "snapback-security-groups",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_CONFIG_FILE": "/nonexistent/aws-config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL": endpoint,
        **service_endpoints,  # read by the Java SDK only
        "AWS_CA_BUNDLE": ca_bundle,  # botocore's; the JVMs get a trust store instead
        "SNAPBACK_CONFIG": config,
        "SNAPBACK_AUDIT_TABLE": "snapback-audit",
        "SNAPBACK_ALERT_TOPIC_ARN": "arn:aws:sns:eu-west-1:111122223333:snapback-alerts",
        # The stand-in's variant switches, when given (e.g. BENCH_HTTP=crt for a JMH run of the stand-in).
        **{k: v for k, v in os.environ.items() if k.startswith("BENCH_")},
    }


def snapstart_env(env, port):
    """What Lambda gives a SnapStart function instead of credentials in the environment: a container-credentials
    endpoint on the loopback interface (the stub's plain-HTTP port here) and the token to present to it."""
    return {**{k: v for k, v in env.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")},
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": f"http://127.0.0.1:{port}{CONTAINER_CREDENTIALS_PATH}",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "bench-container-token"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--java", required=True)
    parser.add_argument("--wiremock-jar", required=True)
    parser.add_argument("--lambda-jar", required=True)
    parser.add_argument("--launcher-jar", required=True)
    parser.add_argument("--runtime-jar", required=True, help="the Lambda runtime interface client, as on Lambda's class path")
    parser.add_argument("--standin-classpath")
    parser.add_argument("--baseline-jar", help="another build of the Lambda jar, for the java-baseline variants")
    parser.add_argument("--criu", help="CRIU binary for the +snapstart variants (run.sh builds one)")
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--variants", default="python-boto3,java-handler")
    parser.add_argument("--results", default=os.path.join(HERE, "target", "coldstart-results.json"))
    parser.add_argument("--transport", choices=("https", "http"), default="https",
                        help="how the functions reach the stub: TLS, as they reach AWS, or plain HTTP")
    parser.add_argument("--jmh-classpath", help="run JMH (warm path) against the stub instead of cold samples")
    parser.add_argument("jmh_args", nargs="*")
    args = parser.parse_args()

    port = free_port()
    https_port = free_port()
    while https_port == port:
        https_port = free_port()
    tls = make_tls(args.java)
    stub = start_stub(args.java, args.wiremock_jar, port, https_port, tls, max_seconds=3600)
    try:
        https = args.transport == "https"
        endpoint = f"https://127.0.0.1:{https_port}" if https else f"http://127.0.0.1:{port}"
        service_endpoints = {f"AWS_ENDPOINT_URL_{service}": f"https://{host}:{https_port}"
                             for service, host in SERVICE_HOSTS.items()} if https else {}
        java_flags = tls["java_flags"] if https else []
        env = base_env(endpoint, service_endpoints, tls["ca_bundle"])
        warm_stub(port, endpoint, tls["ca_pem"])
        if args.jmh_classpath:
            jmh(args, env, java_flags)
            return
        chosen = variants(args, java_flags)
        samples = {v["name"]: [] for v in chosen}
        for v in chosen:
            if v["kind"] == "snapshot":
                if not args.criu or os.geteuid() != 0:
                    sys.exit(f"{v['name']} needs root and a working CRIU (--criu); run.sh builds one")
                prepare_snapshot(v, snapstart_env(env, port) if v["container_credentials"] else env, port, args.criu)
            if "train" in v:
                if os.path.exists(v["aot_cache"]):
                    os.remove(v["aot_cache"])
                trained = subprocess.run(v["train"], env={**env, **v["env"]}, capture_output=True, text=True, timeout=300)
                if trained.returncode != 0:
                    sys.exit(f"{v['name']}: AOT training run failed:\n{trained.stdout[-2000:]}\n{trained.stderr[-4000:]}")
                check_calls(port, f"{v['name']} training run", v.get("expected_calls", EXPECTED_CALLS))
        for rnd in range(args.warmup + args.samples):
            order = list(chosen)
            random.Random(rnd).shuffle(order)  # interleaved, in a different order each round
            for v in order:
                result = run_once(v, {**env, **v["env"]}, port, f"{v['name']} round {rnd}")
                if rnd >= args.warmup:
                    samples[v["name"]].append(result)
        classes = {v["name"]: classes_loaded(v, {**env, **v["env"]}, port) for v in chosen}
    finally:
        stub.terminate()
        stub.wait(timeout=30)

    report(chosen, samples, classes, args)


def jmh(args, env, java_flags):
    """Warm path: JMH in SampleTime mode, once with JMH's default JVM and once with Lambda's flags (C1 only)."""
    props = [f"-Dbench.event={EVENT}", f"-Dbench.config={os.path.join(ROOT, 'examples', 'snapback-config.json')}"]
    for label, flags in (("default JVM flags (C2)", []), ("Lambda on-demand flags (C1 only)", LAMBDA_JVM_FLAGS)):
        out = os.path.join(HERE, "target", f"jmh-{'lambda' if flags else 'default'}.json")
        print(f"\n## JMH, {label}\n", flush=True)
        subprocess.run([args.java, "-cp", args.jmh_classpath, "org.openjdk.jmh.Main",
                        "-jvmArgsAppend", " ".join(props + java_flags + flags), "-rf", "json", "-rff", out, *args.jmh_args],
                       env={**env, "JAVA_HOME": os.path.dirname(os.path.dirname(args.java))}, check=True)


def report(chosen, samples, classes, args):
    baseline = samples.get("python-boto3")
    base50 = pct([s["total_ms"] for s in baseline], 50) if baseline else None
    base90 = pct([s["total_ms"] for s in baseline], 90) if baseline else None
    print(f"\n{args.samples} cold samples per variant after {args.warmup} warm-up rounds, interleaved; "
          f"calls to the stub over {'TLS' if args.transport == 'https' else 'plain HTTP'}; "
          f"times in ms from process start to handler return (nearest-rank percentiles). "
          f"+snapstart rows: from the start of a CRIU restore of a snapshot taken after init to handler return; "
          f"their boot is the restore, their init the afterRestore hooks.\n")
    print("| variant | p50 | p90 | p50 ratio to Python | p90 ratio to Python | boot p50 | init p50 | invoke p50 | classes loaded (CDS/AOT) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for v in chosen:
        s = samples[v["name"]]
        total = [x["total_ms"] for x in s]
        p50, p90 = pct(total, 50), pct(total, 90)
        c = classes[v["name"]]
        print(f"| {v['name']} | {p50:.0f} | {p90:.0f} | "
              f"{p50 / base50:.2f} | {p90 / base90:.2f} | " if base50 else f"| {v['name']} | {p50:.0f} | {p90:.0f} | - | - | ",
              end="")
        print(f"{pct([x['boot_ms'] for x in s], 50):.0f} | {pct([x['init_ms'] for x in s], 50):.0f} | "
              f"{pct([x['invoke_ms'] for x in s], 50):.0f} | "
              + (f"{c['loaded']} ({c['from_cds_or_aot']})" if c else "-") + " |")
    os.makedirs(os.path.dirname(args.results), exist_ok=True)
    with open(args.results, "w") as f:
        json.dump({"samples": samples, "classes": classes, "transport": args.transport, "jvm_flags": LAMBDA_JVM_FLAGS,
                   "snapstart_jvm_flags": SNAPSTART_JVM_FLAGS,
                   "snapshots": {v["name"]: v["prepared"] for v in chosen if "prepared" in v}}, f, indent=1)
    print("\nclasses loaded by origin: " + "; ".join(
        f"{name}: " + ", ".join(f"{g} {n}" for g, n in sorted(c["by_group"].items(), key=lambda kv: -kv[1]))
        for name, c in classes.items() if c))
    for v in chosen:
        if "prepared" in v:
            print(f"\n{v['name']}: the snapshot was taken after " + ", ".join(
                f"{k.removesuffix('_ms')} {ms} ms" for k, ms in v["prepared"].items()) + " (not part of any sample)")
    print(f"\nraw samples: {os.path.relpath(args.results, ROOT)}")


if __name__ == "__main__":
    main()
