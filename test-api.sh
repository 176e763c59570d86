#!/usr/bin/env bash
# End-to-end smoke test of the order API, against the local cloud or AWS.
#
#   ./test-api.sh                                   # the local cloud (npm start)
#   ./test-api.sh https://abc123.execute-api.us-east-1.amazonaws.com/dev
#
# Needs bash, curl and node (no jq). Checks the API contract from the README
# (create, idempotent repeat, new key, key reuse with another body, bad input,
# GET by id), then waits, with a deadline, for one order's saga to complete
# and for an order of a sold-out product to fail with its compensation done.
# Prints ✔/✘ per check and a summary; exits 1 if any check fails.
#
# Environment: SAGA_TIMEOUT_SECONDS (default 60) bounds each saga wait.
set -uo pipefail

API_URL="${1:-http://localhost:3000}"
API_URL="${API_URL%/}"
# A deployed API's URL ends with its stage (…/dev); the orders resource is below it.
case "$API_URL" in
  */orders) ORDERS_URL="$API_URL" ;;
  *) ORDERS_URL="$API_URL/orders" ;;
esac
SAGA_TIMEOUT_SECONDS="${SAGA_TIMEOUT_SECONDS:-60}"

for tool in curl node; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "test-api.sh needs $tool on PATH" >&2
    exit 2
  fi
done

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  GREEN=$'\033[32m' RED=$'\033[31m' DIM=$'\033[2m' RESET=$'\033[0m'
else
  GREEN='' RED='' DIM='' RESET=''
fi

WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"' EXIT
PASSED=0
FAILED=0
STATUS=''
BODY=''

pass() {
  PASSED=$((PASSED + 1))
  printf '%s✔%s %s\n' "$GREEN" "$RESET" "$1"
}

fail() {
  FAILED=$((FAILED + 1))
  printf '%s✘ %s%s\n' "$RED" "$1" "$RESET"
  if [ -n "${2:-}" ]; then printf '  %s%s%s\n' "$DIM" "$2" "$RESET"; fi
}

# request METHOD URL [BODY] [extra curl args...]: sets STATUS and BODY.
request() {
  local method="$1" url="$2" data="${3:-}"
  shift 3 2>/dev/null || shift $#
  local args=(-sS -o "$WORK_DIR/body" -w '%{http_code}' --max-time 30 -X "$method" "$url")
  if [ -n "$data" ]; then args+=(-H 'content-type: application/json' --data-binary "$data"); fi
  if ! STATUS="$(curl "${args[@]}" "$@" 2>"$WORK_DIR/curl-error")"; then
    STATUS='000'
    BODY="$(cat "$WORK_DIR/curl-error")"
    return
  fi
  BODY="$(cat "$WORK_DIR/body")"
}

# json_field FIELD: prints BODY's top-level FIELD (empty if absent or not JSON).
json_field() {
  printf '%s' "$BODY" | node -e '
    let text = "";
    process.stdin.on("data", (chunk) => (text += chunk)).on("end", () => {
      try {
        const value = JSON.parse(text)[process.argv[1]];
        if (value !== undefined && value !== null) process.stdout.write(typeof value === "object" ? JSON.stringify(value) : String(value));
      } catch {}
    });' "$1"
}

order_body() {
  # order_body CUSTOMER PRODUCT QUANTITY PRICE
  printf '{"customerId":"%s","items":[{"productId":"%s","quantity":%s,"price":%s}]}' "$1" "$2" "$3" "$4"
}

# wait_for_status ORDER_ID WANTED: polls GET /orders/{id} until WANTED (or another final status, or the deadline).
wait_for_status() {
  local order_id="$1" wanted="$2" deadline=$((SECONDS + SAGA_TIMEOUT_SECONDS)) status=''
  while [ "$SECONDS" -lt "$deadline" ]; do
    request GET "$ORDERS_URL/$order_id" ''
    status="$(json_field status)"
    if [ "$status" = "$wanted" ]; then return 0; fi
    if [ "$status" = 'COMPLETED' ] || [ "$status" = 'FAILED' ]; then break; fi
    sleep 0.5
  done
  STATUS_SEEN="$status"
  return 1
}

RUN_ID="$(node -e 'process.stdout.write(require("node:crypto").randomUUID().slice(0, 8))')"
KEY_1="test-api-$RUN_ID-1"
KEY_2="test-api-$RUN_ID-2"
LAPTOP_ORDER="$(order_body customer-123 laptop 1 1299.99)"

echo "Testing $ORDERS_URL"
echo

# 0. Reachable at all? Without this every check below would fail for the same reason.
request GET "$ORDERS_URL/00000000-0000-4000-8000-000000000000" ''
if [ "$STATUS" = '000' ]; then
  fail "the API answers at $ORDERS_URL" "$BODY"
  echo "  Is the local cloud running? Start it with: npm start"
  exit 1
fi

# 1. Create an order.
request POST "$ORDERS_URL" "$LAPTOP_ORDER" -H "x-idempotency-key: $KEY_1"
ORDER_1="$(json_field orderId)"
if [ "$STATUS" = '201' ] && [ -n "$ORDER_1" ] && [ "$(json_field status)" = 'PENDING' ] && [ "$(json_field totalAmount)" = '1299.99' ]; then
  pass "POST /orders creates an order: 201, PENDING, totalAmount 1299.99 (order $ORDER_1)"
else
  fail 'POST /orders creates an order: 201, PENDING, totalAmount 1299.99' "got $STATUS $BODY"
fi

# 2. The same request with the same key: the same order, nothing new.
request POST "$ORDERS_URL" "$LAPTOP_ORDER" -H "x-idempotency-key: $KEY_1"
if [ "$STATUS" = '201' ] && [ -n "$ORDER_1" ] && [ "$(json_field orderId)" = "$ORDER_1" ]; then
  pass 'repeating it with the same x-idempotency-key returns the same orderId'
else
  fail 'repeating it with the same x-idempotency-key returns the same orderId' "expected 201 with $ORDER_1, got $STATUS $BODY"
fi

# 3. A new key is a new order.
request POST "$ORDERS_URL" "$LAPTOP_ORDER" -H "x-idempotency-key: $KEY_2"
ORDER_2="$(json_field orderId)"
if [ "$STATUS" = '201' ] && [ -n "$ORDER_2" ] && [ "$ORDER_2" != "$ORDER_1" ]; then
  pass "a new x-idempotency-key creates a new order ($ORDER_2)"
else
  fail 'a new x-idempotency-key creates a new order' "got $STATUS $BODY"
fi

# 4. The same key with another body is refused, not silently answered with the first order.
request POST "$ORDERS_URL" "$(order_body customer-123 monitor 2 349.99)" -H "x-idempotency-key: $KEY_1"
if [ "$STATUS" = '422' ]; then
  pass 'the same key with a different body is refused: 422'
else
  fail 'the same key with a different body is refused: 422' "got $STATUS $BODY"
fi

# 5. Bad input: 400 naming the problems, nothing written.
request POST "$ORDERS_URL" '{"customerId":"customer-123","items":[{"productId":"laptop","quantity":0,"price":12.345}]}'
if [ "$STATUS" = '400' ] && [[ "$BODY" == *quantity* ]] && [[ "$BODY" == *price* ]]; then
  pass 'invalid input is refused: 400 naming quantity and price'
else
  fail 'invalid input is refused: 400 naming quantity and price' "got $STATUS $BODY"
fi
request POST "$ORDERS_URL" '{"customerId": "customer-123", "items": ['
if [ "$STATUS" = '400' ]; then
  pass 'malformed JSON is refused: 400'
else
  fail 'malformed JSON is refused: 400' "got $STATUS $BODY"
fi

# 6. Read an order back, and an unknown one.
if [ -n "$ORDER_1" ]; then
  request GET "$ORDERS_URL/$ORDER_1" ''
  if [ "$STATUS" = '200' ] && [ "$(json_field orderId)" = "$ORDER_1" ]; then
    pass "GET /orders/{orderId} returns the order (status $(json_field status))"
  else
    fail 'GET /orders/{orderId} returns the order: 200' "got $STATUS $BODY"
  fi
else
  fail 'GET /orders/{orderId} returns the order: 200' 'no order was created'
fi
UNKNOWN_ID="$(node -e 'process.stdout.write(require("node:crypto").randomUUID())')"
request GET "$ORDERS_URL/$UNKNOWN_ID" ''
if [ "$STATUS" = '404' ]; then
  pass 'GET of an unknown order id: 404'
else
  fail 'GET of an unknown order id: 404' "got $STATUS $BODY"
fi

# 7. The saga: outbox → stream → relay → Step Functions. A normal order completes…
STATUS_SEEN=''
if [ -n "$ORDER_1" ] && wait_for_status "$ORDER_1" COMPLETED; then
  pass "the saga completes a normal order: COMPLETED (within ${SAGA_TIMEOUT_SECONDS} s)"
else
  fail "the saga completes a normal order: COMPLETED (within ${SAGA_TIMEOUT_SECONDS} s)" "last status: ${STATUS_SEEN:-none} for order ${ORDER_1:-none}"
fi

# …and an order of a product with no stock is compensated and FAILED, with a reason.
request POST "$ORDERS_URL" "$(order_body customer-123 sold-out-item 1 10.00)"
SOLD_OUT="$(json_field orderId)"
STATUS_SEEN=''
if [ "$STATUS" = '201' ] && [ -n "$SOLD_OUT" ] && wait_for_status "$SOLD_OUT" FAILED; then
  pass "the saga compensates an out-of-stock order: FAILED ($(json_field failureReason))"
else
  fail "the saga compensates an out-of-stock order: FAILED (within ${SAGA_TIMEOUT_SECONDS} s)" "last status: ${STATUS_SEEN:-none}, order ${SOLD_OUT:-not created} $BODY"
fi

echo
TOTAL=$((PASSED + FAILED))
if [ "$FAILED" -eq 0 ]; then
  printf '%sAll %d checks passed.%s\n' "$GREEN" "$TOTAL" "$RESET"
  exit 0
fi
printf '%s%d of %d checks failed.%s\n' "$RED" "$FAILED" "$TOTAL" "$RESET"
exit 1
