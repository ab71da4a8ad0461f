#include "services/marketing/execution_service.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/dates.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "common/client/peer_call.h"
#include "common/money/money.h"
#include "common/server/resource_handlers.h"
#include "common/validation/field_checks.h"
#include "crm/marketing/v1/lead.pb.h"
#include "services/marketing/budget_store.h"
#include "services/marketing/consent_check.h"
#include "services/marketing/execution_rules.h"
#include "services/marketing/schema.h"

namespace crm::marketing {
namespace {

using server::CallContext;
using server::ResourceKind;

constexpr int kSalesPage = 1000;
// Opportunities asked about per ListSalesOrders filter.
constexpr int kOpportunitiesPerFilter = 50;

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

const ResourceKind<v1::Contact>& Contacts() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::Contact>;
    k->table = &ContactTable();
    k->field = "contact";
    return k;
  }();
  return *kind;
}

const ResourceKind<v1::Response>& Responses() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::Response>;
    k->table = &ResponseTable();
    k->field = "response";
    return k;
  }();
  return *kind;
}

const std::vector<api::FilterField>& ContactFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"campaign", api::FieldType::kString, "campaign", {}},
      {"wave_id", api::FieldType::kString, "wave_id", {}},
      {"partner", api::FieldType::kString, "partner", {}},
      {"channel", api::FieldType::kEnum, "channel",
       api::EnumFilterValues(v1::Channel_descriptor())},
      {"response_count", api::FieldType::kInt, "response_count", {}},
  };
  return *fields;
}

const std::vector<api::FilterField>& ResponseFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"campaign", api::FieldType::kString, "campaign", {}},
      {"wave_id", api::FieldType::kString, "wave_id", {}},
      {"partner", api::FieldType::kString, "partner", {}},
      {"contact", api::FieldType::kString, "contact", {}},
      {"type", api::FieldType::kEnum, "type", api::EnumFilterValues(v1::ResponseType_descriptor())},
      {"response_time", api::FieldType::kTimestamp, "response_time", {}},
  };
  return *fields;
}

const std::vector<api::OrderField>& ByDisplayNameFields() {
  static const auto* fields =
      new std::vector<api::OrderField>{{"display_name", "display_name", false}};
  return *fields;
}

const std::vector<api::OrderField>& NewestFirstFields() {
  static const auto* fields =
      new std::vector<api::OrderField>{{"create_time", "create_time", true}};
  return *fields;
}

const v1::Wave* FindWave(const v1::Campaign& campaign, const std::string& wave_id) {
  for (const v1::Wave& wave : campaign.waves()) {
    if (wave.wave_id() == wave_id) return &wave;
  }
  return nullptr;
}

// The campaign and its wave, if a wave may be released now.
absl::Status CheckReleasable(const v1::Campaign& campaign, const std::string& wave_id,
                             const google::type::Date& today, const v1::Wave** wave) {
  *wave = FindWave(campaign, wave_id);
  if (*wave == nullptr) return NotFound(absl::StrCat(campaign.name(), "/waves/", wave_id));
  if ((*wave)->channel() == v1::CHANNEL_WEB) {
    return FailedPrecondition("WEB_WAVE", wave_id,
                              "a web wave reaches visitors; it has no contacts");
  }
  if ((*wave)->has_release_time()) return absl::OkStatus();  // a repeat
  if (campaign.state() != v1::CAMPAIGN_STATE_RUNNING) {
    return FailedPrecondition("CAMPAIGN_STATE", campaign.name(),
                              "waves are released only while the campaign is running");
  }
  if (api::CompareDates((*wave)->end_date(), today) < 0) {
    return FailedPrecondition(
        "WAVE_ENDED", wave_id,
        absl::StrCat("the wave ended on ", api::IsoDate((*wave)->end_date())));
  }
  return absl::OkStatus();
}

std::vector<MemberSnapshot> ContactableMembers(db::Connection& c, const std::string& group_id) {
  std::vector<MemberSnapshot> members;
  SQLite::Statement& select = c.Prepare(
      "SELECT partner, display_name, given_name, family_name, city, country_code, address "
      "FROM target_group_members WHERE target_group_id = ?1 AND control = 0 "
      "ORDER BY display_name, partner",
      {group_id});
  while (select.executeStep()) {
    members.push_back({select.getColumn(0).getString(), select.getColumn(1).getString(),
                       select.getColumn(2).getString(), select.getColumn(3).getString(),
                       select.getColumn(4).getString(), select.getColumn(5).getString(),
                       select.getColumn(6).getString()});
  }
  select.reset();
  return members;
}

int64_t CountContacts(db::Connection& c, const std::string& campaign, const std::string& wave_id) {
  return c.QueryInt64("SELECT count(*) FROM contacts WHERE campaign = ?1 AND wave_id = ?2",
                      {campaign, wave_id});
}

// The money in `currency`, or nullopt (counted in `skipped`) for another.
std::optional<int64_t> NanosIn(const type::v1::Money& money, const std::string& currency,
                               int* skipped) {
  if (money.currency_code().empty()) return 0;
  if (money.currency_code() != currency) {
    ++*skipped;
    return std::nullopt;
  }
  return static_cast<int64_t>(money::ToNanos(money));
}

std::string Quoted(const std::string& text) { return absl::StrCat("\"", text, "\""); }

// Every completed order matching `filter`, a page at a time.
absl::Status ForEachOrder(sales::SalesClient& sales, absl::Time deadline, const std::string& filter,
                          const std::function<void(const sales::v1::SalesOrder&)>& visit) {
  sales::v1::ListSalesOrdersRequest request;
  request.set_page_size(kSalesPage);
  request.set_filter(absl::StrCat("state = SALES_ORDER_STATE_COMPLETED AND (", filter, ")"));
  do {
    absl::StatusOr<sales::v1::ListSalesOrdersResponse> page =
        sales.ListSalesOrders(request, deadline);
    if (!page.ok()) return client::PeerFailure(page.status(), "sales", "read the sales orders");
    for (const sales::v1::SalesOrder& order : page->sales_orders()) visit(order);
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* ExecutionService::ReleaseWave(grpc::CallbackServerContext* context,
                                                        const v1::ReleaseWaveRequest* request,
                                                        v1::WaveRelease* response) {
  return server::RunUnary(
      runtime_, context, "ReleaseWave", request, response,
      [this](const CallContext& call, const v1::ReleaseWaveRequest& req,
             v1::WaveRelease* resp) -> absl::Status {
        Violations violations;
        absl::StatusOr<std::string> campaign_id =
            api::ParseResourceName(req.campaign(), CampaignTable().collection(), "campaign");
        violations.AddAll(campaign_id.status());
        if (req.wave_id().empty()) violations.Add("wave_id", "is required");
        if (!violations.empty()) return violations.ToStatus();
        const google::type::Date today = api::UtcDate(call.now);

        // Who the wave would reach, read first: consent is asked of partners
        // outside the write.
        v1::Campaign campaign;
        std::vector<MemberSnapshot> members;
        if (absl::Status s = runtime_.db().Read([&](db::Connection& c) -> absl::Status {
              auto stored = CampaignTable().Load<v1::Campaign>(c, *campaign_id);
              if (!stored) return NotFound(req.campaign());
              campaign = std::move(stored->resource);
              const v1::Wave* wave = nullptr;
              if (absl::Status s = CheckReleasable(campaign, req.wave_id(), today, &wave);
                  !s.ok()) {
                return s;
              }
              if (!wave->has_release_time()) {
                members = ContactableMembers(c, IdOf(wave->target_group()));
              }
              return absl::OkStatus();
            });
            !s.ok()) {
          return s;
        }
        std::vector<bool> allowed;
        if (!members.empty()) {
          std::vector<std::string> names;
          names.reserve(members.size());
          for (const MemberSnapshot& member : members) names.push_back(member.partner);
          absl::StatusOr<std::vector<bool>> contactable = CheckContactable(
              *partners_, call.deadline, FindWave(campaign, req.wave_id())->channel(), call.now,
              names, resp->mutable_exclusions());
          if (!contactable.ok()) return contactable.status();
          allowed = *std::move(contactable);
        }

        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          auto stored = CampaignTable().Load<v1::Campaign>(c, *campaign_id);
          if (!stored) return NotFound(req.campaign());
          v1::Campaign& now = stored->resource;
          const v1::Wave* wave = nullptr;
          if (absl::Status s = CheckReleasable(now, req.wave_id(), today, &wave); !s.ok()) {
            return s;
          }
          if (wave->has_release_time()) {
            // Released before (or just now by another call): nothing more.
            resp->clear_exclusions();
            resp->set_contact_count(static_cast<int>(CountContacts(c, now.name(), req.wave_id())));
            FillCampaignCost(c, &now);
            *resp->mutable_campaign() = std::move(now);
            return absl::OkStatus();
          }
          int created = 0;
          for (size_t i = 0; i < members.size(); ++i) {
            if (!allowed[i]) continue;
            v1::Contact contact = ContactFor(now, *wave, members[i]);
            server::InsertNewResource(c, call, ContactTable(), api::NewId(), &contact);
            ++created;
          }
          for (v1::Wave& w : *now.mutable_waves()) {
            if (w.wave_id() == req.wave_id()) {
              *w.mutable_release_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
            }
          }
          server::ReplaceResource(c, call, CampaignTable(), *campaign_id, &stored->revision, &now);
          FillCampaignCost(c, &now);
          resp->set_contact_count(created);
          *resp->mutable_campaign() = std::move(now);
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* ExecutionService::GetContact(grpc::CallbackServerContext* context,
                                                       const v1::GetContactRequest* request,
                                                       v1::Contact* response) {
  return server::RunUnary(
      runtime_, context, "GetContact", request, response,
      [this](const CallContext&, const v1::GetContactRequest& req, v1::Contact* resp) {
        return server::GetResource(runtime_, Contacts(), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* ExecutionService::ListContacts(grpc::CallbackServerContext* context,
                                                         const v1::ListContactsRequest* request,
                                                         v1::ListContactsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListContacts", request, response,
      [this](const CallContext&, const v1::ListContactsRequest& req,
             v1::ListContactsResponse* resp) -> absl::Status {
        absl::StatusOr<server::ListQuery> query =
            server::FilteredListQuery(req.page_size(), req.page_token(), req.filter(), "",
                                      ContactFilterFields(), ByDisplayNameFields(), "display_name");
        if (!query.ok()) return query.status();
        return server::ListResources(runtime_, Contacts(), *query, resp->mutable_contacts(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* ExecutionService::RecordResponse(grpc::CallbackServerContext* context,
                                                           const v1::RecordResponseRequest* request,
                                                           v1::Response* response) {
  return server::RunUnary(
      runtime_, context, "RecordResponse", request, response,
      [this](const CallContext& call, const v1::RecordResponseRequest& req,
             v1::Response* resp) -> absl::Status {
        Violations violations;
        violations.AddAll(api::ValidateRequestId(req.request_id(), "request_id"));
        v1::Response recorded = req.response();
        server::ClearOutputOnlyFields(&recorded);
        recorded.clear_campaign();
        recorded.clear_wave_id();
        recorded.clear_partner();
        if (!req.has_response()) {
          violations.Add("response", "is required");
        } else {
          ValidateResponse(recorded, "response", &violations);
          if (recorded.has_response_time()) {
            const absl::Time when =
                absl::FromUnixMicros(api::TimestampToMicros(recorded.response_time()));
            // A little leeway for the clocks of the systems that report.
            if (when > call.now + absl::Minutes(5)) {
              violations.Add("response.response_time", "must not be in the future");
            }
          }
        }
        if (!violations.empty()) return violations.ToStatus();
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          return api::RunOnce(
              c, call.method, req.request_id(), api::RequestFingerprint(req),
              api::TimeToMicros(call.now), resp, [&]() -> absl::Status {
                auto contact = ContactTable().Load<v1::Contact>(c, IdOf(recorded.contact()));
                if (!contact) return NotFound(recorded.contact());
                recorded.set_campaign(contact->resource.campaign());
                recorded.set_wave_id(contact->resource.wave_id());
                recorded.set_partner(contact->resource.partner());
                if (!recorded.has_response_time()) {
                  *recorded.mutable_response_time() =
                      api::MicrosToTimestamp(api::TimeToMicros(call.now));
                }
                server::InsertNewResource(c, call, ResponseTable(), api::NewId(), &recorded,
                                          req.request_id());
                contact->resource.set_response_count(contact->resource.response_count() + 1);
                server::ReplaceResource(c, call, ContactTable(), IdOf(recorded.contact()),
                                        &contact->revision, &contact->resource);
                *resp = recorded;
                return absl::OkStatus();
              });
        });
      });
}

grpc::ServerUnaryReactor* ExecutionService::ListResponses(grpc::CallbackServerContext* context,
                                                          const v1::ListResponsesRequest* request,
                                                          v1::ListResponsesResponse* response) {
  return server::RunUnary(runtime_, context, "ListResponses", request, response,
                          [this](const CallContext&, const v1::ListResponsesRequest& req,
                                 v1::ListResponsesResponse* resp) -> absl::Status {
                            absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
                                req.page_size(), req.page_token(), req.filter(), "",
                                ResponseFilterFields(), NewestFirstFields(), "create_time desc");
                            if (!query.ok()) return query.status();
                            return server::ListResources(runtime_, Responses(), *query,
                                                         resp->mutable_responses(),
                                                         resp->mutable_next_page_token());
                          });
}

grpc::ServerUnaryReactor* ExecutionService::GetCampaignPerformance(
    grpc::CallbackServerContext* context, const v1::GetCampaignPerformanceRequest* request,
    v1::CampaignPerformance* response) {
  return server::RunUnary(
      runtime_, context, "GetCampaignPerformance", request, response,
      [this](const CallContext& call, const v1::GetCampaignPerformanceRequest& req,
             v1::CampaignPerformance* resp) -> absl::Status {
        absl::StatusOr<std::string> id =
            api::ParseResourceName(req.campaign(), CampaignTable().collection(), "campaign");
        if (!id.ok()) return id.status();
        v1::Campaign campaign;
        std::set<std::string> contacted, control;
        // Marketing's own figures, in one read.
        if (absl::Status s = runtime_.db().Read([&](db::Connection& c) -> absl::Status {
              auto stored = CampaignTable().Load<v1::Campaign>(c, *id);
              if (!stored) return NotFound(req.campaign());
              campaign = std::move(stored->resource);
              FillCampaignCost(c, &campaign);
              const std::string& name = campaign.name();
              resp->set_campaign(name);
              resp->set_contact_count(static_cast<int>(
                  c.QueryInt64("SELECT count(*) FROM contacts WHERE campaign = ?1", {name})));
              resp->set_responder_count(static_cast<int>(
                  c.QueryInt64("SELECT count(DISTINCT contact) FROM responses WHERE campaign = ?1 "
                               "AND type != ?2",
                               {name, int64_t{v1::RESPONSE_TYPE_CALL_NOT_REACHED}})));
              resp->set_response_rate_percent(
                  Percent(resp->responder_count(), resp->contact_count()));
              SQLite::Statement& by_type = c.Prepare(
                  "SELECT type, count(*) FROM responses WHERE campaign = ?1 GROUP BY type "
                  "ORDER BY type",
                  {name});
              while (by_type.executeStep()) {
                v1::ResponseTypeCount* count = resp->add_responses_by_type();
                count->set_type(static_cast<v1::ResponseType>(by_type.getColumn(0).getInt()));
                count->set_count(by_type.getColumn(1).getInt());
              }
              by_type.reset();
              resp->set_lead_count(static_cast<int>(
                  c.QueryInt64("SELECT count(*) FROM leads WHERE campaign = ?1", {name})));
              resp->set_converted_lead_count(static_cast<int>(
                  c.QueryInt64("SELECT count(*) FROM leads WHERE campaign = ?1 AND state = ?2",
                               {name, int64_t{v1::LEAD_STATE_CONVERTED}})));
              SQLite::Statement& reached =
                  c.Prepare("SELECT DISTINCT partner FROM contacts WHERE campaign = ?1", {name});
              while (reached.executeStep()) contacted.insert(reached.getColumn(0).getString());
              reached.reset();
              for (const v1::Wave& wave : campaign.waves()) {
                if (!wave.has_release_time() || wave.target_group().empty()) continue;
                SQLite::Statement& held_out = c.Prepare(
                    "SELECT partner FROM target_group_members WHERE target_group_id = ?1 AND "
                    "control = 1",
                    {IdOf(wave.target_group())});
                while (held_out.executeStep()) control.insert(held_out.getColumn(0).getString());
                held_out.reset();
              }
              return absl::OkStatus();
            });
            !s.ok()) {
          return s;
        }
        // Someone contacted by one wave is no control for the campaign.
        for (const std::string& partner : contacted) control.erase(partner);
        const std::string& currency = campaign.currency_code();
        int skipped = 0;

        // What sales made of it: its opportunities and their orders.
        int64_t open_nanos = 0, won_nanos = 0;
        std::vector<std::string> opportunities;
        sales::v1::ListOpportunitiesRequest list;
        list.set_page_size(kSalesPage);
        list.set_filter(absl::StrCat("source_campaign = ", Quoted(campaign.name())));
        do {
          absl::StatusOr<sales::v1::ListOpportunitiesResponse> page =
              sales_->ListOpportunities(list, call.deadline);
          if (!page.ok()) {
            return client::PeerFailure(page.status(), "sales", "read the opportunities");
          }
          for (const sales::v1::Opportunity& o : page->opportunities()) {
            opportunities.push_back(o.name());
            std::optional<int64_t> value = NanosIn(o.expected_revenue(), currency, &skipped);
            if (!value) continue;
            if (o.state() == sales::v1::OPPORTUNITY_STATE_OPEN) open_nanos += *value;
            if (o.state() == sales::v1::OPPORTUNITY_STATE_WON) won_nanos += *value;
          }
          list.set_page_token(page->next_page_token());
        } while (!list.page_token().empty());
        resp->set_opportunity_count(static_cast<int>(opportunities.size()));

        std::set<std::string> orders;
        int64_t order_nanos = 0;
        auto count_order = [&](const sales::v1::SalesOrder& order) {
          if (!orders.insert(order.name()).second) return;
          if (std::optional<int64_t> value = NanosIn(order.net_total(), currency, &skipped)) {
            order_nanos += *value;
          }
        };
        if (absl::Status s =
                ForEachOrder(*sales_, call.deadline,
                             absl::StrCat("campaign = ", Quoted(campaign.name())), count_order);
            !s.ok()) {
          return s;
        }
        for (size_t from = 0; from < opportunities.size(); from += kOpportunitiesPerFilter) {
          std::vector<std::string> terms;
          for (size_t i = from; i < std::min(opportunities.size(), from + kOpportunitiesPerFilter);
               ++i) {
            terms.push_back(absl::StrCat("opportunity = ", Quoted(opportunities[i])));
          }
          if (absl::Status s =
                  ForEachOrder(*sales_, call.deadline, absl::StrJoin(terms, " OR "), count_order);
              !s.ok()) {
            return s;
          }
        }
        resp->set_order_count(static_cast<int>(orders.size()));

        // The effect: buyers during the campaign among those contacted and
        // among the control group.
        int target_buyers = 0, control_buyers = 0;
        std::set<std::string> buyers;
        if (absl::Status s = ForEachOrder(
                *sales_, call.deadline,
                absl::StrCat("completion_date >= ", Quoted(api::IsoDate(campaign.start_date())),
                             " AND completion_date <= ", Quoted(api::IsoDate(campaign.end_date()))),
                [&](const sales::v1::SalesOrder& order) { buyers.insert(order.customer()); });
            !s.ok()) {
          return s;
        }
        for (const std::string& buyer : buyers) {
          if (contacted.count(buyer) > 0) ++target_buyers;
          if (control.count(buyer) > 0) ++control_buyers;
        }
        resp->set_target_member_count(static_cast<int>(contacted.size()));
        resp->set_target_buyer_count(target_buyers);
        resp->set_control_member_count(static_cast<int>(control.size()));
        resp->set_control_buyer_count(control_buyers);
        resp->set_uplift_points(UpliftPoints(static_cast<int>(contacted.size()), target_buyers,
                                             static_cast<int>(control.size()), control_buyers));

        auto money_of = [&](int64_t nanos) {
          return money::FromNanos(nanos, currency).value_or(type::v1::Money());
        };
        *resp->mutable_open_pipeline() = money_of(open_nanos);
        *resp->mutable_won_revenue() = money_of(won_nanos);
        *resp->mutable_order_revenue() = money_of(order_nanos);
        resp->set_skipped_other_currency(skipped);
        *resp->mutable_actual_cost() = campaign.actual_cost();
        resp->set_return_on_cost_percent(ReturnOnCostPercent(
            order_nanos, static_cast<int64_t>(money::ToNanos(campaign.actual_cost()))));
        return absl::OkStatus();
      });
}

}  // namespace crm::marketing
