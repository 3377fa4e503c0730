#!/usr/bin/env python3
"""spanflow benchmark: the issue-7 scenarios, each against spanflow and against the floor
(spanflow-loadgen --sink taking the same load directly), with the load generator pinned to
CPU 0 and the process under test to CPU 1. Writes a markdown table and a gnuplot chart.

CPU is read from /proc/PID/stat (utime+stime) over the measured window; peak RSS is VmHWM.
"""
import argparse
import datetime
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICKS = os.sysconf("SC_CLK_TCK")
CPUS = os.cpu_count() or 1
LOAD_CPU, TEST_CPU = "0", ("1" if CPUS > 1 else "0")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def wait_for(log_path, text, proc, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited: {open(log_path).read()}")
        if os.path.exists(log_path) and text in open(log_path).read():
            return
        time.sleep(0.02)
    raise RuntimeError(f"not ready: {open(log_path).read()}")


class Process:
    def __init__(self, args, log_path, cpu, ready_text):
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(["taskset", "-c", cpu] + args, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        wait_for(log_path, ready_text, self.proc)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def loadgen(build, target, duration, rate=0, extra=()):
    args = ["taskset", "-c", LOAD_CPU, f"{build}/spanflow-loadgen", "--target", target,
            "--duration", duration, "--connections", "4"]
    if rate:
        args += ["--rate", str(rate)]
    out = subprocess.run(args + list(extra), capture_output=True, text=True, check=False)
    m = re.search(r"^RESULT (.*)$", out.stdout, re.M)
    if not m:
        raise RuntimeError(out.stderr)
    return {k: float(v) if re.match(r"^[\d.]+$", v) else v
            for k, v in (kv.split("=") for kv in m.group(1).split())}


def measure(pid_getter, run):
    """CPU seconds of the process under test while `run` runs, and the run's result."""
    pid = pid_getter()
    before = cpu_seconds(pid)
    start = time.time()
    result = run()
    return cpu_seconds(pid) - before, time.time() - start, result


PIPELINES = {
    "pass-through": {"processors": ["batch"], "extra_exporters": []},
    "seed": {"processors": ["memory_limiter", "attributes", "filter", "probabilistic_sampler",
                            "batch"], "extra_exporters": ["file"]},
}


def spanflow_config(grpc_port, http_port, sink_port, pipeline, workdir):
    p = PIPELINES[pipeline]
    exporters = ["otlp"] + p["extra_exporters"]
    return f"""
receivers:
  otlp:
    protocols:
      grpc: {{endpoint: "127.0.0.1:{grpc_port}"}}
      http: {{endpoint: "127.0.0.1:{http_port}"}}
processors:
  memory_limiter: {{check_interval: 1s, limit_mib: 1024}}
  batch: {{}}
  attributes:
    actions:
      - {{key: user.id, action: hash}}
      - {{key: patient.id, action: delete}}
      - {{key: password, action: delete}}
  filter:
    traces:
      span: ['attributes["http.route"] == "/health"']
  probabilistic_sampler: {{sampling_percentage: 100}}
exporters:
  otlp:
    endpoint: 127.0.0.1:{sink_port}
    tls: {{insecure: true}}
    compression: none  # as the Collector's testbed configures its agent's otlp exporter
  file: {{path: "{workdir}/traces.jsonl"}}
service:
  telemetry: {{metrics: {{level: none}}}}
  pipelines:
    traces:
      receivers: [otlp]
      processors: [{", ".join(p["processors"])}]
      exporters: [{", ".join(exporters)}]
"""


def run_spanflow_scenario(build, workdir, pipeline, protocol, duration, rate=0):
    sink_port = free_port()
    sink = Process([f"{build}/spanflow-loadgen", "--sink", "--grpc", f"127.0.0.1:{sink_port}",
                    "--http", "off"], f"{workdir}/sink.log", LOAD_CPU, "sink ready")
    grpc_port, http_port = free_port(), free_port()
    config = f"{workdir}/config.yaml"
    with open(config, "w") as f:
        f.write(spanflow_config(grpc_port, http_port, sink_port, pipeline, workdir))
    daemon = Process([f"{build}/spanflow", "--config", config], f"{workdir}/spanflow.log",
                     TEST_CPU, "everything is ready")
    target = (f"grpc://127.0.0.1:{grpc_port}" if protocol == "grpc"
              else f"http://127.0.0.1:{http_port}/v1/traces")
    try:
        cpu, wall, result = measure(lambda: daemon.proc.pid,
                                    lambda: loadgen(build, target, duration, rate))
        rss = peak_rss_mib(daemon.proc.pid)
    finally:
        daemon.stop()
        sink.stop()
    return {"cpu_s": cpu, "wall_s": wall, "rss_mib": rss, **result}


def run_floor(build, workdir, protocol, duration, rate=0):
    grpc_port, http_port = free_port(), free_port()
    sink = Process([f"{build}/spanflow-loadgen", "--sink", "--grpc", f"127.0.0.1:{grpc_port}",
                    "--http", f"127.0.0.1:{http_port}"], f"{workdir}/floor.log", TEST_CPU,
                   "sink ready")
    target = (f"grpc://127.0.0.1:{grpc_port}" if protocol == "grpc"
              else f"http://127.0.0.1:{http_port}/v1/traces")
    try:
        cpu, wall, result = measure(lambda: sink.proc.pid,
                                    lambda: loadgen(build, target, duration, rate))
        rss = peak_rss_mib(sink.proc.pid)
    finally:
        sink.stop()
    return {"cpu_s": cpu, "wall_s": wall, "rss_mib": rss, **result}


def per_cpu_second(r):
    return r["accepted_spans"] / r["cpu_s"] if r["cpu_s"] > 0 else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build-release"))
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="spanflow-bench-")
    rows = []
    try:
        # 1. testbed: 10k spans/s through batch -> otlp -> sink.
        testbed = run_spanflow_scenario(args.build, workdir, "pass-through", "grpc",
                                        args.duration, rate=10000)
        rows.append(("testbed 10k spans/s (gRPC)", testbed, None))
        # 2. saturation, pass-through, gRPC and HTTP; 3. the seed pipeline.
        for name, pipeline, proto in [("saturation pass-through (gRPC)", "pass-through", "grpc"),
                                      ("saturation pass-through (HTTP)", "pass-through", "http"),
                                      ("saturation seed pipeline (gRPC)", "seed", "grpc")]:
            r = run_spanflow_scenario(args.build, workdir, pipeline, proto, args.duration)
            floor = run_floor(args.build, workdir, proto, args.duration)
            rows.append((name, r, floor))
        # 5. latency at half of the gRPC pass-through saturation rate.
        half = rows[1][1]["sps"] / 2
        latency = run_spanflow_scenario(args.build, workdir, "pass-through", "grpc",
                                        args.duration, rate=int(half))
        rows.append((f"latency at {int(half)} spans/s (gRPC)", latency, None))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    os.makedirs(args.out, exist_ok=True)
    lines = [f"# spanflow benchmark {stamp}", "",
             f"Machine: {CPUS} cores; load generator on CPU {LOAD_CPU}, process under test on "
             f"CPU {TEST_CPU}; {args.duration} per run; 100 spans per request.", "",
             "| scenario | spans/s | CPU % of one core | spans per CPU-second | floor spans per "
             "CPU-second | vs floor | peak RSS MiB | p50 ms | p99 ms |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, r, floor in rows:
        cpu_pct = 100 * r["cpu_s"] / r["wall_s"]
        spc = per_cpu_second(r)
        floor_spc = per_cpu_second(floor) if floor else 0
        ratio = f"{100 * spc / floor_spc:.0f}%" if floor_spc else "—"
        lines.append(f"| {name} | {r['sps']:.0f} | {cpu_pct:.1f} | {spc:.0f} | "
                     f"{floor_spc:.0f} | {ratio} | {r['rss_mib']:.1f} | {r['p50_ms']:.3f} | "
                     f"{r['p99_ms']:.3f} |")
    table = "\n".join(lines) + "\n"
    path = os.path.join(args.out, f"{stamp}.md")
    with open(path, "w") as f:
        f.write(table)
    print(table)
    data = os.path.join(args.out, f"{stamp}.dat")
    with open(data, "w") as f:
        for name, r, _ in rows:
            f.write(f"\"{name}\" {per_cpu_second(r):.0f} {r['rss_mib']:.1f}\n")
    if shutil.which("gnuplot"):
        png = os.path.join(args.out, f"{stamp}.png")
        script = f"""set terminal png size 1100,500
set output '{png}'
set multiplot layout 1,2 title 'spanflow {stamp}'
set style data histograms
set style fill solid 0.8
set xtics rotate by -30 font ',8'
set title 'spans per CPU-second'
plot '{data}' using 2:xtic(1) notitle
set title 'peak RSS (MiB)'
plot '{data}' using 3:xtic(1) notitle
unset multiplot
"""
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
        print(f"chart: {png}")
    print(f"table: {path}")


if __name__ == "__main__":
    sys.exit(main())
