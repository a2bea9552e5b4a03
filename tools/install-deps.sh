#!/usr/bin/env bash
# Installs the Debian packages freshet needs to build and test, if any are missing.
# Runs as root (apt-get); does nothing when everything is already installed.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  librocksdb-dev          # the storage engine
  nlohmann-json3-dev      # JSON documents: records, items, specs
  libcurl4-openssl-dev    # NOAA CDO web API client
  libcli11-dev            # command-line parsing
  libssl-dev              # MD5 for shard routing
  zlib1g-dev              # reading gzipped NOAA files
  libsimdjson-dev         # the consumer reads records without a DOM, numbers as their exact text
  libfccp-dev             # fast-cpp-csv-parser for CSV input
  libgtest-dev libgmock-dev
  libbenchmark-dev
  libsqlite3-dev          # freshet sql: SQLite reads the tables through its virtual-table interface
  python3                 # test helpers: CDO API stand-in, independent checks
  clang libclang-rt-14-dev  # the fuzz stage: clang++ with libFuzzer, ASan and UBSan runtimes
  clang-format clang-tidy # the style check of the test command (tools/check-style.sh)
  libcpp-httplib-dev      # HTTP server of `freshet serve --http` (tools/http/)
  libcbor-dev             # application/x-amz-cbor-1.1, the Kinesis Java SDK's and KPL's encoding
  libzip-dev              # zip: Lambda function code unpacked (tools/lambda/zip_archive.cc), Firehose's ZIP objects
  awscli                  # tests: the real aws CLI against the HTTP server (brings python3-botocore)
  python3-boto3           # tests: boto3, as users' producers and scripts use it, against the HTTP server
  librsvg2-dev            # freshet chart --out x.png: the chart's SVG rendered to PNG by librsvg + cairo
  chromium                # tests: the dashboard in a real headless browser (Dashboard.browser)
  libsnappy-dev           # delivery streams: Firehose's Snappy and HADOOP_SNAPPY object compression
  libpugixml-dev          # S3, IAM and STS speak XML: bodies parsed (DeleteObjects, multipart) and replies built
  libisal-dev             # S3 x-amz-checksum-crc32c: Intel ISA-L crc32_iscsi, loaded on first use (tools/s3/s3_crc.cc)
  nodejs                  # Lambda functions with a nodejsNN.x runtime run on it (tools/lambda/)
)

# The AWS SDK for JavaScript v3 for Node function workers (NODE_PATH), as Lambda's Node.js runtimes
# ship it: installed with npm from tools/lambda/package-lock.json into tools/lambda/node_modules.
install_node_sdk() {
  local dir
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lambda"
  if [ -d "$dir/node_modules/@aws-sdk/client-dynamodb" ]; then
    return 0
  fi
  # Debian's nodejs comes without npm (a node from elsewhere usually brings its own).
  if ! command -v npm >/dev/null && [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null ||
      echo "install-deps: npm could not be installed" >&2
  fi
  command -v npm >/dev/null || return 0
  (cd "$dir" && npm ci --no-fund --no-audit >/dev/null) ||
    echo "install-deps: npm ci in $dir failed; Node functions will run without the AWS SDK" >&2
}
trap install_node_sdk EXIT

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root or install them with apt-get" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
