#include "services/marketing/automation_follower.h"

#include <map>
#include <optional>
#include <vector>

#include "common/api/resource.h"
#include "common/server/resource_handlers.h"
#include "crm/marketing/v1/automation.pb.h"
#include "crm/marketing/v1/campaign.pb.h"
#include "services/marketing/automation_rules.h"
#include "services/marketing/consent_check.h"
#include "services/marketing/execution_rules.h"
#include "services/marketing/schema.h"

namespace crm::marketing {
namespace {

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

// What one triggered rule is to do, found out before the write.
struct Decision {
  v1::AutomationRule rule;
  std::string partner;                   // as the record names it
  std::optional<MemberSnapshot> member;  // empty: partners does not know it
  bool contactable = false;
};

const v1::Wave* FindWave(const v1::Campaign& campaign, const std::string& wave_id) {
  for (const v1::Wave& wave : campaign.waves()) {
    if (wave.wave_id() == wave_id) return &wave;
  }
  return nullptr;
}

class AutomationHandler {
 public:
  AutomationHandler(server::Runtime& runtime, std::string source,
                    std::shared_ptr<partners::PartnersClient> partners)
      : runtime_(runtime), source_(std::move(source)), partners_(std::move(partners)) {}

  absl::StatusOr<feed::Prepared> Prepare(const feed::v1::Change& change, absl::Time deadline) {
    std::unique_ptr<google::protobuf::Message> record = RecordOf(change);
    if (record == nullptr) return nullptr;
    auto decisions = std::make_shared<std::vector<Decision>>();
    std::map<std::string, v1::Channel> channels;  // per rule, its wave's channel
    absl::Status read = runtime_.db().Read([&](db::Connection& c) {
      AutomationRuleTable().ForEach<v1::AutomationRule>(
          c, {"resource_type = ?", {record->GetDescriptor()->full_name()}},
          api::OrderBy{{{"create_time", false, true}, {"id", false, false}}},
          [&](const v1::AutomationRule& rule) {
            if (!Triggers(rule, change, *record)) return;
            decisions->push_back({rule, StringField(*record, rule.partner_field()), {}, false});
            auto campaign = CampaignTable().Load<v1::Campaign>(c, IdOf(rule.campaign()));
            const v1::Wave* wave =
                campaign ? FindWave(campaign->resource, rule.wave_id()) : nullptr;
            channels[rule.name()] = wave ? wave->channel() : v1::CHANNEL_UNSPECIFIED;
          });
      return absl::OkStatus();
    });
    if (!read.ok()) return read;
    for (Decision& decision : *decisions) {
      const v1::Channel channel = channels[decision.rule.name()];
      if (decision.partner.empty() || channel == v1::CHANNEL_UNSPECIFIED ||
          channel == v1::CHANNEL_WEB) {
        continue;
      }
      absl::StatusOr<partners::v1::Partner> partner =
          partners_->ResolvePartner(decision.partner, deadline);
      if (partner.status().code() == absl::StatusCode::kNotFound) continue;
      if (!partner.ok()) return partner.status();
      decision.member = SnapshotOf(*partner, channel);
      google::protobuf::RepeatedPtrField<v1::ExclusionCount> ignored;
      absl::StatusOr<std::vector<bool>> allowed =
          CheckContactable(*partners_, deadline, channel, absl::Now(), {partner->name()}, &ignored);
      if (!allowed.ok()) return allowed.status();
      decision.contactable = (*allowed)[0];
    }
    return feed::Prepared(std::move(decisions));
  }

  absl::Status Apply(db::Connection& c, const server::CallContext& call,
                     const feed::v1::Change& change, const feed::Prepared& prepared) {
    if (prepared == nullptr) return absl::OkStatus();
    for (const Decision& decision : *std::static_pointer_cast<std::vector<Decision>>(prepared)) {
      if (c.QueryInt64("SELECT count(*) FROM automation_runs WHERE rule = ?1 AND source = ?2 "
                       "AND sequence = ?3",
                       {decision.rule.name(), source_, change.sequence()}) > 0) {
        continue;  // acted on before
      }
      v1::AutomationRun run;
      run.set_rule(decision.rule.name());
      run.set_source(source_);
      run.set_sequence(change.sequence());
      run.set_resource(change.resource_name());
      run.set_partner(decision.member ? decision.member->partner : decision.partner);
      run.set_outcome(Act(c, call, decision, &run));
      server::InsertNewResource(c, call, AutomationRunTable(), api::NewId(), &run);
    }
    return absl::OkStatus();
  }

 private:
  v1::AutomationOutcome Act(db::Connection& c, const server::CallContext& call,
                            const Decision& decision, v1::AutomationRun* run) {
    auto campaign = CampaignTable().Load<v1::Campaign>(c, IdOf(decision.rule.campaign()));
    const v1::Wave* wave =
        campaign ? FindWave(campaign->resource, decision.rule.wave_id()) : nullptr;
    if (wave == nullptr || wave->channel() == v1::CHANNEL_WEB ||
        campaign->resource.state() != v1::CAMPAIGN_STATE_RUNNING) {
      return v1::AUTOMATION_OUTCOME_CAMPAIGN_NOT_RUNNING;
    }
    if (!decision.member) return v1::AUTOMATION_OUTCOME_NO_PARTNER;
    if (!decision.contactable) return v1::AUTOMATION_OUTCOME_NOT_CONTACTABLE;
    if (c.QueryInt64("SELECT count(*) FROM contacts WHERE campaign = ?1 AND wave_id = ?2 AND "
                     "partner = ?3",
                     {campaign->resource.name(), wave->wave_id(), decision.member->partner}) > 0) {
      return v1::AUTOMATION_OUTCOME_ALREADY_CONTACTED;
    }
    v1::Contact contact = ContactFor(campaign->resource, *wave, *decision.member);
    server::InsertNewResource(c, call, ContactTable(), api::NewId(), &contact);
    run->set_contact(contact.name());
    return v1::AUTOMATION_OUTCOME_CONTACTED;
  }

  server::Runtime& runtime_;
  std::string source_;
  std::shared_ptr<partners::PartnersClient> partners_;
};

}  // namespace

std::unique_ptr<server::BackgroundTask> MakeAutomationFollower(
    server::Runtime& runtime, const std::string& source, std::shared_ptr<grpc::Channel> channel,
    std::shared_ptr<partners::PartnersClient> partners, absl::Duration poll_interval) {
  auto handler = std::make_shared<AutomationHandler>(runtime, source, std::move(partners));
  feed::FeedFollowerOptions options;
  options.source = source;
  options.channel = std::move(channel);
  options.poll_interval = poll_interval;
  feed::ChangeHandler steps;
  steps.prepare = [handler](const feed::v1::Change& change, absl::Time deadline) {
    return handler->Prepare(change, deadline);
  };
  steps.apply = [handler](db::Connection& c, const server::CallContext& call,
                          const feed::v1::Change& change, const feed::Prepared& prepared) {
    return handler->Apply(c, call, change, prepared);
  };
  return std::make_unique<feed::FeedFollower>(runtime, std::move(options), std::move(steps));
}

}  // namespace crm::marketing
