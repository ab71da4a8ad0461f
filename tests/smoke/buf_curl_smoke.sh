#!/usr/bin/env bash
# What a user does first with a running suite: list the services through
# reflection with buf curl, check health, create and list a partner, see
# those calls counted on /metrics, price an item, create a territory and
# ask for a forecast with sales, and capture and score a lead and refuse a
# bad one with marketing, and open a ticket at the service desk.
# usage: buf_curl_smoke.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin_dir=$1
src_dir=$2
buf="$src_dir/node_modules/.bin/buf"
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
metrics_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin_dir/crm-partners" --grpc_address="127.0.0.1:$port" --metrics_address="127.0.0.1:$metrics_port" \
  --data_dir="$work" 2>"$work/log" &
pid=$!
sales_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin_dir/crm-sales" --grpc_address="127.0.0.1:$sales_port" --metrics_address= \
  --data_dir="$work" --partners_address="127.0.0.1:$port" 2>"$work/sales.log" &
sales_pid=$!
marketing_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin_dir/crm-marketing" --grpc_address="127.0.0.1:$marketing_port" --metrics_address= \
  --data_dir="$work" --partners_address="127.0.0.1:$port" \
  --sales_address="127.0.0.1:$sales_port" 2>"$work/marketing.log" &
marketing_pid=$!
desk_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin_dir/crm-servicedesk" --grpc_address="127.0.0.1:$desk_port" --metrics_address= \
  --data_dir="$work" --partners_address="127.0.0.1:$port" --sales_address="127.0.0.1:$sales_port" \
  2>"$work/servicedesk.log" &
desk_pid=$!
cleanup() {
  kill -TERM "$pid" "$sales_pid" "$marketing_pid" "$desk_pid" 2>/dev/null || true
  wait "$pid" "$sales_pid" "$marketing_pid" "$desk_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

call() { "$buf" curl --protocol grpc --http2-prior-knowledge "$@"; }
fail() { echo "FAIL: $*" >&2; echo "--- service log:" >&2; cat "$work/log" >&2; exit 1; }

for p in "$port" "$sales_port" "$marketing_port" "$desk_port"; do
  for _ in $(seq 1 100); do
    if call --data '{}' "http://127.0.0.1:$p/grpc.health.v1.Health/Check" 2>/dev/null | grep -q '"SERVING"'; then
      break
    fi
    sleep 0.1
  done
done

services=$(call --list-services "http://127.0.0.1:$port") || fail "list-services"
for s in crm.partners.v1.PartnerService crm.feed.v1.ChangeFeedService grpc.health.v1.Health; do
  grep -qx "$s" <<<"$services" || fail "reflection does not list $s: $services"
done

health=$(call --data '{"service":"crm.partners.v1.PartnerService"}' \
  "http://127.0.0.1:$port/grpc.health.v1.Health/Check") || fail "health check"
grep -q '"SERVING"' <<<"$health" || fail "not serving: $health"

created=$(call --data '{"partner":{"category":"PARTNER_CATEGORY_ORGANIZATION",
  "organization":{"legalName":"Alvis Computers GmbH","industryCode":"C26.2"},
  "addresses":[{"type":"ADDRESS_TYPE_BUSINESS","city":"Berlin","countryCode":"DE"}]}}' \
  "http://127.0.0.1:$port/crm.partners.v1.PartnerService/CreatePartner") || fail "create"
grep -q '"name": "partners/' <<<"$created" || fail "create returned no name: $created"

listed=$(call --data '{"filter":"country_code = \"DE\""}' \
  "http://127.0.0.1:$port/crm.partners.v1.PartnerService/ListPartners") || fail "list"
grep -q 'Alvis Computers GmbH' <<<"$listed" || fail "list misses the partner: $listed"

if call --data '{"partner":{"category":"PARTNER_CATEGORY_PERSON","person":{}}}' \
    "http://127.0.0.1:$port/crm.partners.v1.PartnerService/CreatePartner" 2>"$work/err"; then
  fail "a person without family name was accepted"
fi
grep -q 'invalid_argument' "$work/err" || fail "expected invalid_argument: $(cat "$work/err")"

metrics=$(curl -fsS "http://127.0.0.1:$metrics_port/metrics") || fail "metrics endpoint"
grep -q 'grpc_server_handled_total{.*grpc_method="CreatePartner".*grpc_code="OK".*} 1' <<<"$metrics" ||
  grep -q 'grpc_server_handled_total{grpc_code="OK",grpc_method="CreatePartner"' <<<"$metrics" ||
  fail "metrics lack CreatePartner: $(grep grpc_server_handled_total <<<"$metrics")"
grep -q 'grpc_method="ListPartners"' <<<"$metrics" || fail "metrics lack ListPartners"
sales_services=$(call --list-services "http://127.0.0.1:$sales_port") || fail "sales list-services"
for s in crm.sales.v1.CatalogService crm.sales.v1.PricingService crm.sales.v1.OpportunityService \
    crm.sales.v1.ActivityService crm.sales.v1.SalesDocumentService crm.sales.v1.ContractService \
    crm.sales.v1.TerritoryService crm.sales.v1.PlanningService crm.feed.v1.ChangeFeedService; do
  grep -qx "$s" <<<"$sales_services" || fail "sales reflection does not list $s: $sales_services"
done
call --data '{"taxClassId":"standard","taxClass":{"displayName":"Standard","ratePercent":19}}' \
  "http://127.0.0.1:$sales_port/crm.sales.v1.CatalogService/CreateTaxClass" >/dev/null || fail "create tax class"
call --data '{"productId":"monitor-24","product":{"displayName":"24-inch monitor","productGroup":"MONITORS",
  "unit":"EA","listPrice":{"currencyCode":"EUR","units":"200"},"taxClass":"taxClasses/standard"}}' \
  "http://127.0.0.1:$sales_port/crm.sales.v1.CatalogService/CreateProduct" >/dev/null || fail "create product"
priced=$(call --data '{"items":[{"product":"products/monitor-24","quantity":3}]}' \
  "http://127.0.0.1:$sales_port/crm.sales.v1.PricingService/PriceItems") || fail "price items"
grep -q '"units": "714"' <<<"$priced" || fail "3 x 200.00 + 19 % should be 714.00 gross: $priced"
call --data '{"territoryId":"dach","territory":{"displayName":"DACH","rules":[{"countryCodes":["DE","AT","CH"]}]}}' \
  "http://127.0.0.1:$sales_port/crm.sales.v1.TerritoryService/CreateTerritory" >/dev/null || fail "create territory"
forecast=$(call --data '{"startDate":{"year":2026,"month":1,"day":1},"endDate":{"year":2026,"month":12,"day":31},
  "periodLength":"PERIOD_LENGTH_QUARTER","currencyCode":"EUR"}' \
  "http://127.0.0.1:$sales_port/crm.sales.v1.PlanningService/ForecastSales") || fail "forecast"
[ "$(grep -c '"periodStart"' <<<"$forecast")" = 4 ] || fail "a year by quarter should be 4 rows: $forecast"
marketing_services=$(call --list-services "http://127.0.0.1:$marketing_port") ||
  fail "marketing list-services"
for s in crm.marketing.v1.MarketingPlanService crm.marketing.v1.CampaignService \
    crm.marketing.v1.SegmentService crm.marketing.v1.LeadService crm.marketing.v1.ExecutionService \
    crm.marketing.v1.AutomationService crm.feed.v1.ChangeFeedService; do
  grep -qx "$s" <<<"$marketing_services" || fail "marketing reflection does not list $s: $marketing_services"
done
call --data '{"leadScoringRule":{"displayName":"Web","condition":{"sources":["LEAD_SOURCE_WEB"]},"points":45}}' \
  "http://127.0.0.1:$marketing_port/crm.marketing.v1.LeadService/CreateLeadScoringRule" >/dev/null ||
  fail "create scoring rule"
lead=$(call --data '{"lead":{"displayName":"10 monitors","source":"LEAD_SOURCE_WEB",
  "contact":{"familyName":"Weber","email":"weber@example.com"}}}' \
  "http://127.0.0.1:$marketing_port/crm.marketing.v1.LeadService/CreateLead") || fail "create lead"
grep -q '"level": "LEAD_LEVEL_WARM"' <<<"$lead" || fail "45 points should be a warm lead: $lead"
if call --data '{"lead":{"displayName":"x","source":"LEAD_SOURCE_WEB","contact":{"familyName":"X","email":"not-an-address"}}}' \
    "http://127.0.0.1:$marketing_port/crm.marketing.v1.LeadService/CreateLead" 2>"$work/err"; then
  fail "a lead with a bad e-mail address was accepted"
fi
grep -q 'lead.contact.email' "$work/err" || fail "expected the field lead.contact.email: $(cat "$work/err")"
desk_services=$(call --list-services "http://127.0.0.1:$desk_port") || fail "servicedesk list-services"
for s in crm.servicedesk.v1.TicketService crm.servicedesk.v1.InstalledBaseService \
    crm.servicedesk.v1.SlaService crm.servicedesk.v1.KnowledgeService \
    crm.servicedesk.v1.ServiceOrderService crm.servicedesk.v1.ReturnService crm.feed.v1.ChangeFeedService; do
  grep -qx "$s" <<<"$desk_services" || fail "servicedesk reflection does not list $s: $desk_services"
done
customer=$(grep -o '"name": "partners/[^"]*"' <<<"$created" | head -1 | cut -d'"' -f4)
ticket=$(call --data "{\"ticket\":{\"type\":\"TICKET_TYPE_INCIDENT\",\"title\":\"Monitor flickers\",
  \"customer\":\"$customer\",\"channel\":\"TICKET_CHANNEL_PHONE\"}}" \
  "http://127.0.0.1:$desk_port/crm.servicedesk.v1.TicketService/CreateTicket") || fail "create ticket"
grep -q '"status": "TICKET_STATUS_NEW"' <<<"$ticket" || fail "a new ticket should be NEW: $ticket"
call --data '{"knowledgeArticle":{"title":"Monitor flickers after warming up","symptoms":"Flickers after ten minutes",
  "solution":"Replace the inverter board","state":"ARTICLE_STATE_PUBLISHED"}}' \
  "http://127.0.0.1:$desk_port/crm.servicedesk.v1.KnowledgeService/CreateKnowledgeArticle" >/dev/null ||
  fail "create article"
found=$(call --data '{"query":"monitor flick*"}' \
  "http://127.0.0.1:$desk_port/crm.servicedesk.v1.KnowledgeService/SearchKnowledgeArticles") || fail "search"
grep -q '"snippet": "\[Monitor\] \[flickers\]' <<<"$found" || fail "the article should be found: $found"
health=$(call --data '{"service":"crm.servicedesk.v1.ReturnService"}' \
  "http://127.0.0.1:$desk_port/grpc.health.v1.Health/Check") || fail "health of ReturnService"
grep -q '"status": "SERVING"' <<<"$health" || fail "ReturnService should be SERVING: $health"
echo "buf curl smoke: ok"
