#include "services/marketing/campaign_service.h"

#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/idempotency.h"
#include "common/client/peer_call.h"
#include "common/server/resource_handlers.h"
#include "common/validation/field_checks.h"
#include "crm/marketing/v1/segment.pb.h"
#include "services/marketing/budget_store.h"
#include "services/marketing/campaign_rules.h"
#include "services/marketing/schema.h"
#include "services/partners/client/partner_refs.h"

namespace crm::marketing {
namespace {

using server::CallContext;
using server::ResourceKind;

constexpr char kCampaign[] = "campaign";
constexpr int kMaxCalendarYears = 3;

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

const ResourceKind<v1::Campaign>& Campaigns() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::Campaign>;
    k->table = &CampaignTable();
    k->field = kCampaign;
    k->check_delete = [](db::Connection& c, const v1::Campaign& campaign) -> absl::Status {
      if (campaign.state() != v1::CAMPAIGN_STATE_PLANNED) {
        return FailedPrecondition("CAMPAIGN_STATE", campaign.name(),
                                  "only a planned campaign can be deleted; finish it instead");
      }
      if (c.QueryInt64("SELECT count(*) FROM cost_items WHERE campaign = ?1", {campaign.name()}) >
          0) {
        return FailedPrecondition("IN_USE", campaign.name(), "cost items are booked on it");
      }
      return absl::OkStatus();
    };
    return k;
  }();
  return *kind;
}

const api::FieldMaskRules& CampaignUpdateRules() {
  static const auto* rules = new api::FieldMaskRules(server::WithOutputOnlyFields(
      {{"currency_code"},
       {"actual_cost", "state", "copied_from", "waves.release_time", "prices.price_condition"}}));
  return *rules;
}

const std::vector<api::FilterField>& CampaignFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"state", api::FieldType::kEnum, "state",
       api::EnumFilterValues(v1::CampaignState_descriptor())},
      {"marketing_plan", api::FieldType::kString, "marketing_plan", {}},
      {"owner", api::FieldType::kString, "owner", {}},
      {"start_date", api::FieldType::kDate, "start_date", {}},
      {"end_date", api::FieldType::kDate, "end_date", {}},
      {"copied_from", api::FieldType::kString, "copied_from", {}},
      {"create_time", api::FieldType::kTimestamp, "create_time", {}},
  };
  return *fields;
}

const std::vector<api::OrderField>& CampaignOrderFields() {
  static const auto* fields = new std::vector<api::OrderField>{{"start_date", "start_date", false}};
  return *fields;
}

// What the server owns in a campaign about to be created.
void PrepareNewCampaign(v1::Campaign* campaign) {
  campaign->clear_actual_cost();
  campaign->clear_copied_from();
  campaign->set_state(v1::CAMPAIGN_STATE_PLANNED);
  for (v1::Wave& wave : *campaign->mutable_waves()) wave.clear_release_time();
  for (v1::CampaignPrice& price : *campaign->mutable_prices()) price.clear_price_condition();
}

// A wave keeps the release time it had, a new wave has none; prices keep
// their condition records where they are unchanged (they are fixed once
// released, so only then are there any).
void CarryReleaseTimes(const v1::Campaign& before, v1::Campaign* after) {
  for (int i = 0; i < after->prices_size(); ++i) {
    v1::CampaignPrice& price = *after->mutable_prices(i);
    price.clear_price_condition();
    if (i < before.prices_size()) {
      v1::CampaignPrice old = before.prices(i);
      old.clear_price_condition();
      if (old.SerializeAsString() == price.SerializeAsString()) {
        price.set_price_condition(before.prices(i).price_condition());
      }
    }
  }
  for (v1::Wave& wave : *after->mutable_waves()) {
    wave.clear_release_time();
    for (const v1::Wave& old : before.waves()) {
      if (old.wave_id() == wave.wave_id() && old.has_release_time()) {
        *wave.mutable_release_time() = old.release_time();
      }
    }
  }
}

const char* ChannelName(v1::Channel channel) {
  switch (channel) {
    case v1::CHANNEL_EMAIL:
      return "e-mail";
    case v1::CHANNEL_PHONE:
      return "phone";
    case v1::CHANNEL_MAIL:
      return "mail";
    case v1::CHANNEL_SMS:
      return "SMS";
    case v1::CHANNEL_WEB:
      return "web";
    default:
      return "no channel";
  }
}

// The plan and target groups a campaign names: they exist, the plan's
// currency and period fit, each target group was built for its wave's
// channel.
absl::Status CheckCampaignRefs(db::Connection& c, const v1::Campaign& campaign) {
  if (!campaign.marketing_plan().empty()) {
    auto plan = MarketingPlanTable().Load<v1::MarketingPlan>(c, IdOf(campaign.marketing_plan()));
    if (!plan) return NotFound(campaign.marketing_plan());
    const v1::MarketingPlan& p = plan->resource;
    if (p.currency_code() != campaign.currency_code()) {
      return InvalidField("campaign.currency_code", absl::StrCat("must be ", p.currency_code(),
                                                                 ", the currency of ", p.name()));
    }
    if (api::CompareDates(campaign.start_date(), p.start_date()) < 0 ||
        api::CompareDates(campaign.end_date(), p.end_date()) > 0) {
      return FailedPrecondition(
          "OUTSIDE_PLAN", "campaign.start_date",
          absl::StrCat("the campaign must lie within ", p.name(), "'s period, ",
                       api::IsoDate(p.start_date()), " to ", api::IsoDate(p.end_date())));
    }
  }
  for (int i = 0; i < campaign.waves_size(); ++i) {
    const v1::Wave& wave = campaign.waves(i);
    if (wave.target_group().empty()) continue;
    auto group = TargetGroupTable().Load<v1::TargetGroup>(c, IdOf(wave.target_group()));
    if (!group) return NotFound(wave.target_group());
    if (group->resource.channel() != wave.channel()) {
      return FailedPrecondition("CHANNEL_MISMATCH",
                                absl::StrCat("campaign.waves[", i, "].target_group"),
                                absl::StrCat(wave.target_group(), " was built for ",
                                             ChannelName(group->resource.channel()), ", not ",
                                             ChannelName(wave.channel())));
    }
  }
  return absl::OkStatus();
}

// Checks the owner with partners (outside any write); a merged owner's
// name becomes the survivor's.
absl::Status ResolveOwner(partners::PartnersClient& partners, absl::Time deadline,
                          const std::string& field, std::string* owner) {
  return partners::ResolvePartnerRefs(
      partners, deadline, {{owner, field, partners::PartnerNeed::kEmployee}}, {}, nullptr);
}

void InsertCampaign(db::Connection& c, const CallContext& call, v1::Campaign* campaign,
                    const std::string& request_id) {
  server::InsertNewResource(c, call, CampaignTable(), api::NewId(), campaign, request_id);
  FillCampaignCost(c, campaign);
}

// Campaigns as created and updated: the owner checked with partners before
// the write; in it, release times and price records carried over, what may
// change in the state checked, and the plan and target groups named.
ResourceKind<v1::Campaign> CampaignWrites(partners::PartnersClient& partners) {
  ResourceKind<v1::Campaign> kind = Campaigns();
  kind.update_rules = CampaignUpdateRules();
  kind.validate = ValidateCampaign;
  kind.check_peers = [&partners](const CallContext& call, const v1::Campaign& named,
                                 v1::Campaign* sent) -> absl::Status {
    if (named.owner().empty()) return absl::OkStatus();
    Violations owner;
    validation::CheckOptionalReference(named.owner(), "partners", "campaign.owner", &owner);
    if (!owner.empty()) return owner.ToStatus();
    return ResolveOwner(partners, call.deadline, "campaign.owner", sent->mutable_owner());
  };
  kind.complete = [](db::Connection&, const v1::Campaign& before, v1::Campaign* after) {
    CarryReleaseTimes(before, after);
  };
  kind.check_stored = [](db::Connection& c, const v1::Campaign* before,
                         const v1::Campaign& after) -> absl::Status {
    if (before != nullptr) {
      if (absl::Status s = CheckCampaignChange(*before, after); !s.ok()) return s;
    }
    return CheckCampaignRefs(c, after);
  };
  return kind;
}

absl::Status FillCost(server::Runtime& runtime, v1::Campaign* campaign) {
  return runtime.db().Read([&](db::Connection& c) {
    FillCampaignCost(c, campaign);
    return absl::OkStatus();
  });
}

}  // namespace

grpc::ServerUnaryReactor* CampaignService::CreateCampaign(grpc::CallbackServerContext* context,
                                                          const v1::CreateCampaignRequest* request,
                                                          v1::Campaign* response) {
  return server::RunUnary(runtime_, context, "CreateCampaign", request, response,
                          [this](const CallContext& call, const v1::CreateCampaignRequest& req,
                                 v1::Campaign* resp) -> absl::Status {
                            ResourceKind<v1::Campaign> kind = CampaignWrites(*partners_);
                            kind.normalize = PrepareNewCampaign;
                            absl::Status s = server::CreateResource(
                                runtime_, call, kind, "", "",
                                req.has_campaign() ? &req.campaign() : nullptr, req.request_id(),
                                req, resp);
                            if (!s.ok()) return s;
                            return FillCost(runtime_, resp);
                          });
}

grpc::ServerUnaryReactor* CampaignService::GetCampaign(grpc::CallbackServerContext* context,
                                                       const v1::GetCampaignRequest* request,
                                                       v1::Campaign* response) {
  return server::RunUnary(runtime_, context, "GetCampaign", request, response,
                          [this](const CallContext&, const v1::GetCampaignRequest& req,
                                 v1::Campaign* resp) -> absl::Status {
                            absl::StatusOr<std::string> id = api::ParseResourceName(
                                req.name(), CampaignTable().collection(), "name");
                            if (!id.ok()) return id.status();
                            return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
                              auto stored = CampaignTable().Load<v1::Campaign>(c, *id);
                              if (!stored) return NotFound(req.name());
                              *resp = std::move(stored->resource);
                              FillCampaignCost(c, resp);
                              return absl::OkStatus();
                            });
                          });
}

grpc::ServerUnaryReactor* CampaignService::ListCampaigns(grpc::CallbackServerContext* context,
                                                         const v1::ListCampaignsRequest* request,
                                                         v1::ListCampaignsResponse* response) {
  return server::RunUnary(runtime_, context, "ListCampaigns", request, response,
                          [this](const CallContext&, const v1::ListCampaignsRequest& req,
                                 v1::ListCampaignsResponse* resp) -> absl::Status {
                            absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
                                req.page_size(), req.page_token(), req.filter(), "",
                                CampaignFilterFields(), CampaignOrderFields(), "start_date desc");
                            if (!query.ok()) return query.status();
                            absl::Status s = server::ListResources(runtime_, Campaigns(), *query,
                                                                   resp->mutable_campaigns(),
                                                                   resp->mutable_next_page_token());
                            if (!s.ok()) return s;
                            return runtime_.db().Read([&](db::Connection& c) {
                              for (v1::Campaign& campaign : *resp->mutable_campaigns())
                                FillCampaignCost(c, &campaign);
                              return absl::OkStatus();
                            });
                          });
}

grpc::ServerUnaryReactor* CampaignService::UpdateCampaign(grpc::CallbackServerContext* context,
                                                          const v1::UpdateCampaignRequest* request,
                                                          v1::Campaign* response) {
  return server::RunUnary(runtime_, context, "UpdateCampaign", request, response,
                          [this](const CallContext& call, const v1::UpdateCampaignRequest& req,
                                 v1::Campaign* resp) -> absl::Status {
                            absl::Status s = server::UpdateResource(
                                runtime_, call, CampaignWrites(*partners_),
                                req.has_campaign() ? &req.campaign() : nullptr, req.update_mask(),
                                resp);
                            if (!s.ok()) return s;
                            return FillCost(runtime_, resp);
                          });
}

grpc::ServerUnaryReactor* CampaignService::DeleteCampaign(grpc::CallbackServerContext* context,
                                                          const v1::DeleteCampaignRequest* request,
                                                          google::protobuf::Empty* response) {
  return server::RunUnary(runtime_, context, "DeleteCampaign", request, response,
                          [this](const CallContext& call, const v1::DeleteCampaignRequest& req,
                                 google::protobuf::Empty*) {
                            return server::DeleteResource(runtime_, call, Campaigns(), req.name(),
                                                          req.etag());
                          });
}

namespace {

// Applies `action` in one write: the state change, with `change` (if any)
// adding what goes with it, refused if the campaign is no longer at
// `revision` (when that is set: what was handed to sales was read there).
absl::Status ApplyAction(server::Runtime& runtime, const CallContext& call, const std::string& name,
                         const std::string& etag, CampaignAction action, int64_t revision,
                         const std::function<void(v1::Campaign&)>& change, v1::Campaign* out) {
  absl::StatusOr<std::string> id =
      api::ParseResourceName(name, CampaignTable().collection(), "name");
  if (!id.ok()) return id.status();
  return runtime.db().Write([&](db::Connection& c) -> absl::Status {
    auto stored = CampaignTable().Load<v1::Campaign>(c, *id);
    if (!stored) return NotFound(name);
    if (absl::Status s = api::CheckEtag(etag, stored->revision, name); !s.ok()) return s;
    if (revision != 0 && stored->revision != revision) {
      return absl::AbortedError(
          absl::StrCat(name, " changed while its prices were handed to sales; try again"));
    }
    v1::Campaign& campaign = stored->resource;
    if (absl::Status s = ChangeCampaignState(&campaign, action); !s.ok()) return s;
    // Target groups named long ago must still be there to run.
    if (action == CampaignAction::kRelease) {
      if (absl::Status s = CheckCampaignRefs(c, campaign); !s.ok()) return s;
    }
    if (change) change(campaign);
    server::ReplaceResource(c, call, CampaignTable(), *id, &stored->revision, &campaign);
    FillCampaignCost(c, &campaign);
    *out = std::move(campaign);
    return absl::OkStatus();
  });
}

// The campaign as stored, with the revision it was read at, checked
// against `etag` and able to take `action` (nothing is written).
absl::Status ReadForAction(server::Runtime& runtime, const std::string& name,
                           const std::string& etag, CampaignAction action, v1::Campaign* campaign,
                           int64_t* revision) {
  absl::StatusOr<std::string> id =
      api::ParseResourceName(name, CampaignTable().collection(), "name");
  if (!id.ok()) return id.status();
  return runtime.db().Read([&](db::Connection& c) -> absl::Status {
    auto stored = CampaignTable().Load<v1::Campaign>(c, *id);
    if (!stored) return NotFound(name);
    if (absl::Status s = api::CheckEtag(etag, stored->revision, name); !s.ok()) return s;
    v1::Campaign probe = stored->resource;
    if (absl::Status s = ChangeCampaignState(&probe, action); !s.ok()) return s;
    if (action == CampaignAction::kRelease) {
      if (absl::Status s = CheckCampaignRefs(c, probe); !s.ok()) return s;
    }
    *campaign = std::move(stored->resource);
    *revision = stored->revision;
    return absl::OkStatus();
  });
}

// The condition record a campaign price becomes in sales.
sales::v1::PriceCondition ConditionFor(const v1::Campaign& campaign,
                                       const v1::CampaignPrice& price) {
  sales::v1::PriceCondition condition;
  condition.set_display_name(absl::StrCat("Campaign price: ", campaign.display_name()));
  if (price.has_unit_price()) {
    condition.set_type(sales::v1::CONDITION_TYPE_PRICE);
    *condition.mutable_amount() = price.unit_price();
  } else {
    condition.set_type(sales::v1::CONDITION_TYPE_DISCOUNT_PERCENT);
    condition.set_percent(price.discount_percent());
  }
  condition.mutable_scope()->set_product(price.product());
  condition.mutable_scope()->set_product_group(price.product_group());
  condition.mutable_scope()->set_campaign(campaign.name());
  *condition.mutable_valid_from() = campaign.start_date();
  *condition.mutable_valid_to() = campaign.end_date();
  return condition;
}

}  // namespace

grpc::ServerUnaryReactor* CampaignService::ReleaseCampaign(
    grpc::CallbackServerContext* context, const v1::ReleaseCampaignRequest* request,
    v1::Campaign* response) {
  return server::RunUnary(
      runtime_, context, "ReleaseCampaign", request, response,
      [this](const CallContext& call, const v1::ReleaseCampaignRequest& req,
             v1::Campaign* resp) -> absl::Status {
        v1::Campaign campaign;
        int64_t revision = 0;
        if (absl::Status s = ReadForAction(runtime_, req.name(), req.etag(),
                                           CampaignAction::kRelease, &campaign, &revision);
            !s.ok()) {
          return s;
        }
        // The prices go to sales first. Their request ids name the campaign
        // and the revision read: a retry of this release gets the records
        // made before instead of new ones.
        std::vector<std::string> conditions;
        for (int i = 0; i < campaign.prices_size(); ++i) {
          sales::v1::CreatePriceConditionRequest create;
          *create.mutable_price_condition() = ConditionFor(campaign, campaign.prices(i));
          create.set_request_id(
              absl::StrCat("marketing-", IdOf(campaign.name()), "-r", revision, "-price-", i));
          absl::StatusOr<sales::v1::PriceCondition> created =
              sales_->CreatePriceCondition(create, call.deadline);
          if (!created.ok()) {
            return client::PeerFailure(created.status(), "sales",
                                       absl::StrCat("hand prices[", i, "] to sales"));
          }
          conditions.push_back(created->name());
        }
        return ApplyAction(
            runtime_, call, req.name(), req.etag(), CampaignAction::kRelease,
            campaign.prices().empty() ? 0 : revision,
            [&](v1::Campaign& released) {
              for (int i = 0; i < released.prices_size(); ++i) {
                released.mutable_prices(i)->set_price_condition(conditions[i]);
              }
            },
            resp);
      });
}

grpc::ServerUnaryReactor* CampaignService::FinishCampaign(grpc::CallbackServerContext* context,
                                                          const v1::FinishCampaignRequest* request,
                                                          v1::Campaign* response) {
  return server::RunUnary(
      runtime_, context, "FinishCampaign", request, response,
      [this](const CallContext& call, const v1::FinishCampaignRequest& req,
             v1::Campaign* resp) -> absl::Status {
        v1::Campaign campaign;
        int64_t revision = 0;
        if (absl::Status s = ReadForAction(runtime_, req.name(), req.etag(),
                                           CampaignAction::kFinish, &campaign, &revision);
            !s.ok()) {
          return s;
        }
        // Prices of a campaign stopped early end today in sales.
        const google::type::Date today = api::UtcDate(call.now);
        if (api::CompareDates(campaign.end_date(), today) > 0) {
          for (int i = 0; i < campaign.prices_size(); ++i) {
            const std::string& condition = campaign.prices(i).price_condition();
            if (condition.empty()) continue;
            sales::v1::UpdatePriceConditionRequest update;
            update.mutable_price_condition()->set_name(condition);
            *update.mutable_price_condition()->mutable_valid_to() =
                api::CompareDates(campaign.start_date(), today) > 0 ? campaign.start_date() : today;
            update.mutable_update_mask()->add_paths("valid_to");
            absl::StatusOr<sales::v1::PriceCondition> updated =
                sales_->UpdatePriceCondition(update, call.deadline);
            if (!updated.ok() && updated.status().code() != absl::StatusCode::kNotFound) {
              return client::PeerFailure(updated.status(), "sales",
                                         absl::StrCat("end prices[", i, "] in sales"));
            }
          }
        }
        return ApplyAction(runtime_, call, req.name(), req.etag(), CampaignAction::kFinish, 0,
                           nullptr, resp);
      });
}

#define CRM_CAMPAIGN_ACTION(Method, Action)                                                      \
  grpc::ServerUnaryReactor* CampaignService::Method(grpc::CallbackServerContext* context,        \
                                                    const v1::Method##Request* request,          \
                                                    v1::Campaign* response) {                    \
    return server::RunUnary(runtime_, context, #Method, request, response,                       \
                            [this](const CallContext& call, const v1::Method##Request& req,      \
                                   v1::Campaign* resp) -> absl::Status {                         \
                              return ApplyAction(runtime_, call, req.name(), req.etag(), Action, \
                                                 0, nullptr, resp);                              \
                            });                                                                  \
  }

CRM_CAMPAIGN_ACTION(StartCampaign, CampaignAction::kStart)
CRM_CAMPAIGN_ACTION(PauseCampaign, CampaignAction::kPause)
CRM_CAMPAIGN_ACTION(ResumeCampaign, CampaignAction::kResume)

#undef CRM_CAMPAIGN_ACTION

grpc::ServerUnaryReactor* CampaignService::CopyCampaign(grpc::CallbackServerContext* context,
                                                        const v1::CopyCampaignRequest* request,
                                                        v1::Campaign* response) {
  return server::RunUnary(
      runtime_, context, "CopyCampaign", request, response,
      [this](const CallContext& call, const v1::CopyCampaignRequest& req,
             v1::Campaign* resp) -> absl::Status {
        Violations violations;
        absl::StatusOr<std::string> id =
            api::ParseResourceName(req.name(), CampaignTable().collection(), "name");
        violations.AddAll(id.status());
        validation::CheckRequiredText(req.display_name(), 200, "display_name", &violations);
        validation::CheckRequiredDate(req.start_date(), "start_date", &violations);
        violations.AddAll(api::ValidateRequestId(req.request_id(), "request_id"));
        if (!violations.empty()) return violations.ToStatus();
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          return api::RunOnce(c, call.method, req.request_id(), api::RequestFingerprint(req),
                              api::TimeToMicros(call.now), resp, [&]() -> absl::Status {
                                auto source = CampaignTable().Load<v1::Campaign>(c, *id);
                                if (!source) return NotFound(req.name());
                                v1::Campaign copy = CopyOfCampaign(
                                    source->resource, req.display_name(), req.start_date());
                                Violations moved;
                                ValidateCampaign(copy, kCampaign, &moved);
                                if (!moved.empty()) return moved.ToStatus();
                                if (absl::Status s = CheckCampaignRefs(c, copy); !s.ok()) return s;
                                InsertCampaign(c, call, &copy, req.request_id());
                                *resp = copy;
                                return absl::OkStatus();
                              });
        });
      });
}

grpc::ServerUnaryReactor* CampaignService::ListCalendarEntries(
    grpc::CallbackServerContext* context, const v1::ListCalendarEntriesRequest* request,
    v1::ListCalendarEntriesResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListCalendarEntries", request, response,
      [this](const CallContext&, const v1::ListCalendarEntriesRequest& req,
             v1::ListCalendarEntriesResponse* resp) -> absl::Status {
        Violations violations;
        validation::CheckDateRange(req.start_date(), "start_date", req.end_date(), "end_date", 0,
                                   &violations);
        if (violations.empty()) {
          const google::type::Date& start = req.start_date();
          // Three calendar years (29 February plus three years is 1 March).
          const absl::CivilDay limit(start.year() + kMaxCalendarYears, start.month(), start.day());
          if (api::CivilDayOf(req.end_date()) > limit) {
            violations.Add("end_date", absl::StrCat("must be at most ", kMaxCalendarYears,
                                                    " years after start_date"));
          }
        }
        validation::CheckOptionalReference(req.marketing_plan(), "marketingPlans", "marketing_plan",
                                           &violations);
        absl::StatusOr<int> page_size =
            api::EffectivePageSize(req.page_size(), server::kDefaultPageSize, server::kMaxPageSize);
        violations.AddAll(page_size.status());
        if (!violations.empty()) return violations.ToStatus();
        // Entries are ordered by campaign start, campaign id and position
        // within the campaign; the token holds the last one's.
        const api::OrderBy order{
            {{"start_date", false, false}, {"id", false, false}, {"position", false, true}}};
        const std::string fingerprint =
            absl::StrCat(api::IsoDate(req.start_date()), "\n", api::IsoDate(req.end_date()), "\n",
                         req.marketing_plan());
        absl::StatusOr<std::vector<db::SqlValue>> after =
            api::DecodePageToken(req.page_token(), fingerprint, order);
        if (!after.ok()) return after.status();
        std::tuple<std::string, std::string, int64_t> last{"", "", -1};
        if (!after->empty()) {
          last = {std::get<std::string>((*after)[0]), std::get<std::string>((*after)[1]),
                  std::get<int64_t>((*after)[2])};
        }
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          db::SqlFragment where{
              "start_date <= ? AND end_date >= ? AND start_date >= ?",
              {api::IsoDate(req.end_date()), api::IsoDate(req.start_date()), std::get<0>(last)}};
          if (!req.marketing_plan().empty()) {
            where.sql += " AND marketing_plan = ?";
            where.params.push_back(req.marketing_plan());
          }
          const api::OrderBy by_start{{{"start_date", false, false}, {"id", false, false}}};
          bool full = false;
          CampaignTable().ForEach<v1::Campaign>(
              c, where, by_start, [&](const v1::Campaign& campaign) {
                if (full) return;
                const std::string start = api::IsoDate(campaign.start_date());
                const std::string campaign_id = IdOf(campaign.name());
                std::vector<v1::CalendarEntry> entries =
                    CalendarEntries(campaign, req.start_date(), req.end_date());
                for (size_t i = 0; i < entries.size(); ++i) {
                  const auto key = std::make_tuple(start, campaign_id, static_cast<int64_t>(i));
                  if (key <= last) continue;
                  if (resp->entries_size() == *page_size) {
                    const auto& [s, id, pos] = last;
                    resp->set_next_page_token(api::EncodePageToken(fingerprint, {s, id, pos}));
                    full = true;
                    return;
                  }
                  *resp->add_entries() = std::move(entries[i]);
                  last = key;
                }
              });
          return absl::OkStatus();
        });
      });
}

}  // namespace crm::marketing
