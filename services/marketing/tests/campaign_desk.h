// Test support for the plan, cost item, campaign and lifecycle tests: sample
// plans, campaigns, waves and cost items, and a fixture (the marketing
// service beside real partners and sales) with one helper per call, each
// as "TryX" (the status; the response when asked) or "X" (must succeed).
#ifndef CRM_SERVICES_MARKETING_TESTS_CAMPAIGN_DESK_H_
#define CRM_SERVICES_MARKETING_TESTS_CAMPAIGN_DESK_H_

#include <google/protobuf/util/message_differencer.h>

#include <string>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/marketing/tests/marketing_fixture.h"

namespace crm::marketing::testing {

// One call of any stub with a deadline; the response goes to `out` when
// given.
template <typename Stub, typename Request, typename Response>
grpc::Status Try(Stub& stub, crm::testing::UnaryMethod<Stub, Request, Response> method,
                 const Request& request, std::common_type_t<Response>* out = nullptr,
                 int deadline_seconds = 10) {
  Response ignored;
  return (stub.*method)(crm::testing::ContextWithDeadline(deadline_seconds).get(), request,
                        out ? out : &ignored);
}

inline bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

inline std::string Iso(const Date& date) { return crm::api::IsoDate(date); }

// The outcome and, for FAILED_PRECONDITION, its type and subject:
// "FAILED_PRECONDITION OUTSIDE_PLAN campaigns/x".
inline std::string Verdict(const grpc::Status& status) {
  const std::string precondition = Precondition(status);
  return precondition.empty() ? Outcome(status) : absl::StrCat(Outcome(status), " ", precondition);
}

inline std::string Quoted(const std::string& field, const std::string& value) {
  return absl::StrCat(field, " = \"", value, "\"");
}

// "EUR 1500.25" (amounts here are not negative).
inline std::string Text(const Money& money) {
  std::string fraction = absl::StrFormat("%09d", money.nanos());
  while (fraction.size() > 2 && fraction.back() == '0') fraction.pop_back();
  return absl::StrCat(money.currency_code(), " ", money.units(), ".", fraction);
}

inline Money In(const std::string& currency, int64_t units, int32_t nanos = 0) {
  Money money = Eur(units, nanos);
  money.set_currency_code(currency);
  return money;
}

// "CHANGE_KIND_UPDATED campaigns/x UpdateCampaign ", as the feed reader
// describes a change.
inline std::string Change(const std::string& kind, const std::string& name,
                          const std::string& method, const std::string& request_id = "") {
  return absl::StrCat("CHANGE_KIND_", kind, " ", name, " ", method, " ", request_id);
}

inline mv1::MarketingPlan NewPlan(const Date& start, const Date& end,
                                  const Money& budget = Eur(100000)) {
  mv1::MarketingPlan plan;
  plan.set_display_name("Spring, Benelux");
  plan.set_description("More dealers in the Benelux");
  *plan.mutable_start_date() = start;
  *plan.mutable_end_date() = end;
  plan.set_currency_code(budget.currency_code());
  *plan.mutable_planned_budget() = budget;
  return plan;
}

// A cost item on `plan` or `campaign` (or both or neither, to be refused).
inline mv1::CostItem NewCost(const std::string& plan, const std::string& campaign,
                             const Money& amount, const Date& incurred = Next(3, 15)) {
  mv1::CostItem item;
  item.set_marketing_plan(plan);
  item.set_campaign(campaign);
  item.set_description("Agency invoice");
  *item.mutable_amount() = amount;
  *item.mutable_incurred_date() = incurred;
  return item;
}

// A campaign in EUR with a budget of EUR 5000 and no waves.
inline mv1::Campaign NewCampaign(const std::string& display_name, const Date& start,
                                 const Date& end, const std::string& plan = "") {
  mv1::Campaign campaign;
  campaign.set_display_name(display_name);
  campaign.set_description("Win back lapsed customers");
  campaign.set_marketing_plan(plan);
  *campaign.mutable_start_date() = start;
  *campaign.mutable_end_date() = end;
  campaign.set_currency_code("EUR");
  *campaign.mutable_planned_budget() = Eur(5000);
  return campaign;
}

// A wave with the message or call script its channel needs to run, and the
// target group given.
inline mv1::Wave NewWave(const std::string& id, mv1::Channel channel, const Date& start,
                         const Date& end, const std::string& target_group = "") {
  mv1::Wave wave;
  wave.set_wave_id(id);
  wave.set_display_name(absl::StrCat("Wave ", id));
  wave.set_channel(channel);
  *wave.mutable_start_date() = start;
  *wave.mutable_end_date() = end;
  wave.set_target_group(target_group);
  if (channel == mv1::CHANNEL_EMAIL) {
    wave.mutable_message_template()->set_subject("News for {{given_name}}");
  }
  if (channel == mv1::CHANNEL_EMAIL || channel == mv1::CHANNEL_MAIL ||
      channel == mv1::CHANNEL_SMS) {
    wave.mutable_message_template()->set_body("Dear {{display_name}}, see {{campaign}}.");
  }
  if (channel == mv1::CHANNEL_PHONE) wave.set_call_script("Good morning {{family_name}}");
  return wave;
}

inline Strings WaveIds(const mv1::Campaign& campaign) {
  Strings ids;
  for (const auto& wave : campaign.waves()) ids.push_back(wave.wave_id());
  return ids;
}

class CampaignDesk : public MarketingBesidePeers {
 public:
  PlanStub& plans() { return *plans_; }
  CampaignStub& api() { return *campaigns_; }
  // The deadline of TryCreate and TryUpdate: short while a peer is down.
  void set_deadline_seconds(int seconds) { deadline_seconds_ = seconds; }

  // ---- plans

  grpc::Status TryCreatePlan(const mv1::MarketingPlan& plan, mv1::MarketingPlan* out = nullptr,
                             const std::string& request_id = "") {
    mv1::CreateMarketingPlanRequest request;
    *request.mutable_marketing_plan() = plan;
    request.set_request_id(request_id);
    return Try(*plans_, &PlanStub::CreateMarketingPlan, request, out);
  }
  mv1::MarketingPlan CreatePlan(const mv1::MarketingPlan& plan) {
    mv1::CreateMarketingPlanRequest request;
    *request.mutable_marketing_plan() = plan;
    return MustCall(*plans_, &PlanStub::CreateMarketingPlan, request);
  }
  // A plan of EUR (or `currency`) 100000 over the period given.
  std::string Plan(const Date& start, const Date& end, const std::string& currency = "EUR") {
    return CreatePlan(NewPlan(start, end, In(currency, 100000))).name();
  }
  grpc::Status TryGetPlan(const std::string& name, mv1::MarketingPlan* out = nullptr) {
    mv1::GetMarketingPlanRequest request;
    request.set_name(name);
    return Try(*plans_, &PlanStub::GetMarketingPlan, request, out);
  }
  mv1::MarketingPlan GetPlan(const std::string& name) {
    mv1::GetMarketingPlanRequest request;
    request.set_name(name);
    return MustCall(*plans_, &PlanStub::GetMarketingPlan, request);
  }
  grpc::Status TryUpdatePlan(const mv1::MarketingPlan& plan, const Strings& paths,
                             mv1::MarketingPlan* out = nullptr) {
    mv1::UpdateMarketingPlanRequest request;
    *request.mutable_marketing_plan() = plan;
    *request.mutable_update_mask() = Mask(paths);
    return Try(*plans_, &PlanStub::UpdateMarketingPlan, request, out);
  }
  grpc::Status TryDeletePlan(const std::string& name, const std::string& etag = "") {
    mv1::DeleteMarketingPlanRequest request;
    request.set_name(name);
    request.set_etag(etag);
    return Try(*plans_, &PlanStub::DeleteMarketingPlan, request);
  }
  // Names of the plans listed, following the pages; `pages` counts them.
  Strings PlanNames(const std::string& filter = "", int page_size = 0, int* pages = nullptr) {
    mv1::ListMarketingPlansRequest request;
    request.set_filter(filter);
    request.set_page_size(page_size);
    Strings names;
    int count = 1;
    for (;; ++count) {
      const auto response = MustCall(*plans_, &PlanStub::ListMarketingPlans, request);
      if (page_size > 0) CHECK(response.marketing_plans_size() <= page_size);
      for (const auto& plan : response.marketing_plans()) names.push_back(plan.name());
      if (response.next_page_token().empty() || count == 20) break;
      request.set_page_token(response.next_page_token());
    }
    if (pages != nullptr) *pages = count;
    return names;
  }
  // "planned / allocated / actual" of a plan as read now.
  std::string Totals(const std::string& plan) {
    const mv1::MarketingPlan read = GetPlan(plan);
    return absl::StrCat(Text(read.planned_budget()), " / ", Text(read.allocated_budget()), " / ",
                        Text(read.actual_cost()));
  }

  // ---- cost items

  grpc::Status TryCreateCost(const mv1::CostItem& item, mv1::CostItem* out = nullptr) {
    mv1::CreateCostItemRequest request;
    *request.mutable_cost_item() = item;
    return Try(*plans_, &PlanStub::CreateCostItem, request, out);
  }
  mv1::CostItem CreateCost(const mv1::CostItem& item) {
    mv1::CreateCostItemRequest request;
    *request.mutable_cost_item() = item;
    return MustCall(*plans_, &PlanStub::CreateCostItem, request);
  }
  mv1::CostItem GetCost(const std::string& name) {
    mv1::GetCostItemRequest request;
    request.set_name(name);
    return MustCall(*plans_, &PlanStub::GetCostItem, request);
  }
  grpc::Status TryUpdateCost(const mv1::CostItem& item, const Strings& paths,
                             mv1::CostItem* out = nullptr) {
    mv1::UpdateCostItemRequest request;
    *request.mutable_cost_item() = item;
    *request.mutable_update_mask() = Mask(paths);
    return Try(*plans_, &PlanStub::UpdateCostItem, request, out);
  }
  grpc::Status TryDeleteCost(const std::string& name, const std::string& etag = "") {
    mv1::DeleteCostItemRequest request;
    request.set_name(name);
    request.set_etag(etag);
    return Try(*plans_, &PlanStub::DeleteCostItem, request);
  }
  // Names of the cost items of the first page, latest incurred first.
  Strings CostNames(const std::string& filter = "") {
    mv1::ListCostItemsRequest request;
    request.set_filter(filter);
    const auto response = MustCall(*plans_, &PlanStub::ListCostItems, request);
    Strings names;
    for (const auto& item : response.cost_items()) names.push_back(item.name());
    return names;
  }

  // ---- campaigns

  // A target group built for `channel` from a segment of customers who
  // consented to e-mail and phone.
  std::string TargetGroup(mv1::Channel channel) {
    if (segment_.empty()) {
      const std::string customer = Person("Kundin", pv1::ROLE_TYPE_CUSTOMER);
      GrantConsent(customer, pv1::CONTACT_CHANNEL_EMAIL);
      GrantConsent(customer, pv1::CONTACT_CHANNEL_PHONE);
      mv1::CreateSegmentRequest request;
      request.mutable_segment()->set_display_name("Customers");
      request.mutable_segment()->mutable_criteria()->add_roles(pv1::ROLE_TYPE_CUSTOMER);
      segment_ = MustCall(*segments_, &SegmentStub::CreateSegment, request).name();
    }
    mv1::BuildTargetGroupRequest request;
    request.set_segment(segment_);
    request.set_channel(channel);
    return MustCall(*segments_, &SegmentStub::BuildTargetGroup, request).name();
  }

  grpc::Status TryCreate(const mv1::Campaign& campaign, mv1::Campaign* out = nullptr,
                         const std::string& request_id = "") {
    mv1::CreateCampaignRequest request;
    *request.mutable_campaign() = campaign;
    request.set_request_id(request_id);
    return Try(*campaigns_, &CampaignStub::CreateCampaign, request, out, deadline_seconds_);
  }
  mv1::Campaign Create(const mv1::Campaign& campaign) {
    mv1::CreateCampaignRequest request;
    *request.mutable_campaign() = campaign;
    return MustCall(*campaigns_, &CampaignStub::CreateCampaign, request);
  }
  grpc::Status TryGet(const std::string& name, mv1::Campaign* out = nullptr) {
    mv1::GetCampaignRequest request;
    request.set_name(name);
    return Try(*campaigns_, &CampaignStub::GetCampaign, request, out);
  }
  mv1::Campaign Get(const std::string& name) {
    mv1::GetCampaignRequest request;
    request.set_name(name);
    return MustCall(*campaigns_, &CampaignStub::GetCampaign, request);
  }
  // Text of the campaign's actual cost as read now.
  std::string Spent(const std::string& campaign) { return Text(Get(campaign).actual_cost()); }
  // Names of the campaigns listed, following the pages; `pages` counts them.
  Strings Names(const std::string& filter = "", int page_size = 0, int* pages = nullptr) {
    mv1::ListCampaignsRequest request;
    request.set_filter(filter);
    request.set_page_size(page_size);
    Strings names;
    int count = 1;
    for (;; ++count) {
      const auto response = MustCall(*campaigns_, &CampaignStub::ListCampaigns, request);
      if (page_size > 0) CHECK(response.campaigns_size() <= page_size);
      for (const auto& campaign : response.campaigns()) names.push_back(campaign.name());
      if (response.next_page_token().empty() || count == 20) break;
      request.set_page_token(response.next_page_token());
    }
    if (pages != nullptr) *pages = count;
    return names;
  }
  grpc::Status TryUpdate(const mv1::Campaign& campaign, const Strings& paths,
                         mv1::Campaign* out = nullptr) {
    mv1::UpdateCampaignRequest request;
    *request.mutable_campaign() = campaign;
    *request.mutable_update_mask() = Mask(paths);
    return Try(*campaigns_, &CampaignStub::UpdateCampaign, request, out, deadline_seconds_);
  }
  grpc::Status TryDelete(const std::string& name, const std::string& etag = "") {
    mv1::DeleteCampaignRequest request;
    request.set_name(name);
    request.set_etag(etag);
    return Try(*campaigns_, &CampaignStub::DeleteCampaign, request);
  }
  grpc::Status TryCopy(const std::string& name, const std::string& display_name, const Date& start,
                       const std::string& request_id = "", mv1::Campaign* out = nullptr) {
    mv1::CopyCampaignRequest request;
    request.set_name(name);
    request.set_display_name(display_name);
    *request.mutable_start_date() = start;
    request.set_request_id(request_id);
    return Try(*campaigns_, &CampaignStub::CopyCampaign, request, out);
  }
  // A state change: &CampaignStub::ReleaseCampaign, StartCampaign...
  template <typename Request>
  grpc::Status TryAct(crm::testing::UnaryMethod<CampaignStub, Request, mv1::Campaign> method,
                      const std::string& name, const std::string& etag = "",
                      mv1::Campaign* out = nullptr) {
    Request request;
    request.set_name(name);
    request.set_etag(etag);
    return Try(*campaigns_, method, request, out);
  }
  template <typename Request>
  mv1::Campaign Act(crm::testing::UnaryMethod<CampaignStub, Request, mv1::Campaign> method,
                    const std::string& name) {
    Request request;
    request.set_name(name);
    return MustCall(*campaigns_, method, request);
  }
  // A cost item of EUR `euros` on `campaign`.
  std::string AddCost(const std::string& campaign, int64_t euros) {
    return CreateCost(NewCost("", campaign, Eur(euros))).name();
  }

  // ---- the calendar

  grpc::Status TryCalendar(const mv1::ListCalendarEntriesRequest& request,
                           mv1::ListCalendarEntriesResponse* out = nullptr) {
    return Try(*campaigns_, &CampaignStub::ListCalendarEntries, request, out);
  }
  // Every entry of the period, following the pages; `pages` counts them.
  std::vector<mv1::CalendarEntry> Calendar(const Date& start, const Date& end,
                                           const std::string& plan = "", int page_size = 0,
                                           int* pages = nullptr) {
    mv1::ListCalendarEntriesRequest request;
    *request.mutable_start_date() = start;
    *request.mutable_end_date() = end;
    request.set_marketing_plan(plan);
    request.set_page_size(page_size);
    std::vector<mv1::CalendarEntry> entries;
    int count = 1;
    for (;; ++count) {
      const auto response = MustCall(*campaigns_, &CampaignStub::ListCalendarEntries, request);
      if (page_size > 0) CHECK(response.entries_size() <= page_size);
      entries.insert(entries.end(), response.entries().begin(), response.entries().end());
      if (response.next_page_token().empty() || count == 30) break;
      request.set_page_token(response.next_page_token());
    }
    if (pages != nullptr) *pages = count;
    return entries;
  }

 private:
  std::string segment_;
  int deadline_seconds_ = 10;
};

}  // namespace crm::marketing::testing

#endif  // CRM_SERVICES_MARKETING_TESTS_CAMPAIGN_DESK_H_
