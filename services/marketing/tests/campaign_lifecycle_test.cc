// The campaign lifecycle (CampaignService) over a real gRPC channel and a
// real SQLite file: ReleaseCampaign needs every wave ready for its channel,
// PLANNED to RELEASED to RUNNING to PAUSED to RUNNING to FINISHED and no
// other way, each change on the feed and checked against the etag; what an
// update may change in each state, and that a refused write changes
// nothing.
#include <algorithm>
#include <functional>
#include <map>
#include <utility>

#include "crm/marketing/v1/execution_service.grpc.pb.h"
#include "services/marketing/tests/campaign_desk.h"

namespace crm::marketing::testing {
namespace {

enum class Step { kRelease, kStart, kPause, kResume, kFinish };
const std::vector<Step> kSteps = {Step::kRelease, Step::kStart, Step::kPause, Step::kResume,
                                  Step::kFinish};

const char* MethodOf(Step step) {
  switch (step) {
    case Step::kRelease:
      return "ReleaseCampaign";
    case Step::kStart:
      return "StartCampaign";
    case Step::kPause:
      return "PauseCampaign";
    case Step::kResume:
      return "ResumeCampaign";
    case Step::kFinish:
      return "FinishCampaign";
  }
  return "";
}

// The steps each state allows.
const std::map<mv1::CampaignState, std::vector<Step>>& Allowed() {
  static const auto* allowed = new std::map<mv1::CampaignState, std::vector<Step>>{
      {mv1::CAMPAIGN_STATE_PLANNED, {Step::kRelease}},
      {mv1::CAMPAIGN_STATE_RELEASED, {Step::kStart, Step::kFinish}},
      {mv1::CAMPAIGN_STATE_RUNNING, {Step::kPause, Step::kFinish}},
      {mv1::CAMPAIGN_STATE_PAUSED, {Step::kResume, Step::kFinish}},
      {mv1::CAMPAIGN_STATE_FINISHED, {}},
  };
  return *allowed;
}

class Flow : public CampaignDesk {
 public:
  Flow()
      : plan_(Plan(Next(1, 1), Next(12, 31))),
        by_mail_(TargetGroup(mv1::CHANNEL_EMAIL)),
        by_phone_(TargetGroup(mv1::CHANNEL_PHONE)) {}

  const std::string& plan() const { return plan_; }
  const std::string& by_mail() const { return by_mail_; }

  // A campaign from 1 March to 30 April in the plan with an e-mail, a phone
  // and a web wave, each ready to run.
  mv1::Campaign Ready() {
    mv1::Campaign campaign = NewCampaign("Retention", Next(3, 1), Next(4, 30), plan_);
    *campaign.add_waves() = NewWave("mails", mv1::CHANNEL_EMAIL, Next(3, 1), Next(3, 10), by_mail_);
    *campaign.add_waves() =
        NewWave("calls", mv1::CHANNEL_PHONE, Next(3, 11), Next(3, 31), by_phone_);
    *campaign.add_waves() = NewWave("banner", mv1::CHANNEL_WEB, Next(3, 1), Next(4, 30));
    return campaign;
  }

  grpc::Status Do(Step step, const std::string& name, const std::string& etag = "",
                  mv1::Campaign* out = nullptr) {
    switch (step) {
      case Step::kRelease:
        return TryAct(&CampaignStub::ReleaseCampaign, name, etag, out);
      case Step::kStart:
        return TryAct(&CampaignStub::StartCampaign, name, etag, out);
      case Step::kPause:
        return TryAct(&CampaignStub::PauseCampaign, name, etag, out);
      case Step::kResume:
        return TryAct(&CampaignStub::ResumeCampaign, name, etag, out);
      case Step::kFinish:
        return TryAct(&CampaignStub::FinishCampaign, name, etag, out);
    }
    return grpc::Status::CANCELLED;
  }
  mv1::Campaign MustDo(Step step, const std::string& name) {
    mv1::Campaign campaign;
    const grpc::Status status = Do(step, name, "", &campaign);
    INFO(MethodOf(step) << ": " << status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return campaign;
  }
  // Releases one wave of a running campaign for execution (ExecutionService).
  mv1::WaveRelease ReleaseWave(const std::string& campaign, const std::string& wave_id) {
    auto execution = mv1::ExecutionService::NewStub(marketing_->channel());
    mv1::ReleaseWaveRequest request;
    request.set_campaign(campaign);
    request.set_wave_id(wave_id);
    return MustCall(*execution, &mv1::ExecutionService::Stub::ReleaseWave, request);
  }
  // A ready campaign taken through `steps`.
  mv1::Campaign Through(const std::vector<Step>& steps) {
    mv1::Campaign campaign = Create(Ready());
    for (Step step : steps) campaign = MustDo(step, campaign.name());
    return campaign;
  }

 private:
  std::string plan_, by_mail_, by_phone_;
};

}  // namespace

TEST_CASE("campaign lifecycle: a campaign is released only when every wave is ready",
          "[marketing][campaign][lifecycle]") {
  Flow flow;
  const std::string by_post = flow.TargetGroup(mv1::CHANNEL_MAIL);
  using Spoil = std::function<void(mv1::Campaign*)>;
  const std::vector<std::pair<Spoil, std::string>> cases = {
      {[](auto* c) { c->clear_waves(); }, "waves"},
      {[](auto* c) { c->mutable_waves(0)->clear_target_group(); }, "waves[0].target_group"},
      {[](auto* c) { c->mutable_waves(0)->mutable_message_template()->clear_subject(); },
       "waves[0].message_template.subject"},
      {[](auto* c) { c->mutable_waves(0)->mutable_message_template()->clear_body(); },
       "waves[0].message_template.body"},
      {[](auto* c) { c->mutable_waves(0)->clear_message_template(); },
       "waves[0].message_template.subject"},
      {[](auto* c) { c->mutable_waves(1)->clear_call_script(); }, "waves[1].call_script"},
      {[](auto* c) { c->mutable_waves(1)->clear_target_group(); }, "waves[1].target_group"},
      {[](auto* c) {
         c->mutable_waves(1)->clear_call_script();
         c->mutable_waves(0)->clear_target_group();
       },
       "waves[0].target_group"},
      {[&](auto* c) {
         *c->add_waves() = NewWave("letter", mv1::CHANNEL_MAIL, Next(4, 1), Next(4, 2), by_post);
         c->mutable_waves(3)->clear_message_template();
       },
       "waves[3].message_template.body"},
      {[](auto* c) {
         *c->add_waves() = NewWave("texts", mv1::CHANNEL_SMS, Next(4, 1), Next(4, 2));
       },
       "waves[3].target_group"},
  };
  for (const auto& [spoil, subject] : cases) {
    INFO(subject);
    mv1::Campaign sent = flow.Ready();
    spoil(&sent);
    const mv1::Campaign campaign = flow.Create(sent);
    const int64_t head = flow.HeadSequence();
    CHECK(Verdict(flow.Do(Step::kRelease, campaign.name())) ==
          absl::StrCat("FAILED_PRECONDITION WAVE_NOT_READY ", subject));
    CHECK(Same(flow.Get(campaign.name()), campaign));
    CHECK(flow.HeadSequence() == head);
  }

  // Made ready by an update, it is released; a web wave needs nothing.
  mv1::Campaign sent = flow.Ready();
  sent.mutable_waves(1)->clear_call_script();
  mv1::Campaign campaign = flow.Create(sent);
  campaign.mutable_waves(1)->set_call_script("Hello {{given_name}}");
  REQUIRE(Outcome(flow.TryUpdate(campaign, {"waves"}, &campaign)) == "OK");
  mv1::Campaign released;
  REQUIRE(Outcome(flow.Do(Step::kRelease, campaign.name(), campaign.etag(), &released)) == "OK");
  CHECK(released.state() == mv1::CAMPAIGN_STATE_RELEASED);
  mv1::Campaign web = NewCampaign("Web only", Next(3, 1), Next(3, 31));
  *web.add_waves() = NewWave("banner", mv1::CHANNEL_WEB, Next(3, 1), Next(3, 31));
  CHECK(flow.MustDo(Step::kRelease, flow.Create(web).name()).state() ==
        mv1::CAMPAIGN_STATE_RELEASED);
}

TEST_CASE("campaign lifecycle: planned, released, running, paused, running, finished",
          "[marketing][campaign][lifecycle]") {
  Flow flow;
  mv1::Campaign campaign = flow.Create(flow.Ready());
  flow.AddCost(campaign.name(), 50);
  campaign = flow.Get(campaign.name());
  const int64_t head = flow.HeadSequence();
  const std::vector<std::pair<Step, mv1::CampaignState>> path = {
      {Step::kRelease, mv1::CAMPAIGN_STATE_RELEASED}, {Step::kStart, mv1::CAMPAIGN_STATE_RUNNING},
      {Step::kPause, mv1::CAMPAIGN_STATE_PAUSED},     {Step::kResume, mv1::CAMPAIGN_STATE_RUNNING},
      {Step::kFinish, mv1::CAMPAIGN_STATE_FINISHED},
  };
  Strings changes;
  for (const auto& [step, state] : path) {
    INFO(MethodOf(step));
    // A stale etag is refused and changes nothing.
    const mv1::Campaign before = campaign;
    CHECK(Outcome(flow.Do(step, campaign.name(), "\"999\"")) == "ABORTED");
    CHECK(Same(flow.Get(campaign.name()), before));
    mv1::Campaign after;
    REQUIRE(Outcome(flow.Do(step, campaign.name(), campaign.etag(), &after)) == "OK");
    CHECK(after.state() == state);
    CHECK(after.etag() != before.etag());
    CHECK(Text(after.actual_cost()) == "EUR 50.00");
    CHECK(after.display_name() == before.display_name());
    CHECK(WaveIds(after) == WaveIds(before));
    CHECK(Same(flow.Get(campaign.name()), after));
    changes.push_back(Change("UPDATED", campaign.name(), MethodOf(step)));
    campaign = after;
  }
  CHECK(flow.DescribeChangesAfter(head) == changes);
  CHECK(flow.Names("state = FINISHED") == Strings{campaign.name()});
}

TEST_CASE("campaign lifecycle: every other transition is refused with CAMPAIGN_STATE",
          "[marketing][campaign][lifecycle]") {
  Flow flow;
  const std::vector<std::pair<mv1::CampaignState, std::vector<Step>>> reach = {
      {mv1::CAMPAIGN_STATE_PLANNED, {}},
      {mv1::CAMPAIGN_STATE_RELEASED, {Step::kRelease}},
      {mv1::CAMPAIGN_STATE_RUNNING, {Step::kRelease, Step::kStart}},
      {mv1::CAMPAIGN_STATE_PAUSED, {Step::kRelease, Step::kStart, Step::kPause}},
      {mv1::CAMPAIGN_STATE_FINISHED, {Step::kRelease, Step::kStart, Step::kFinish}},
  };
  int refused = 0;
  for (const auto& [state, steps] : reach) {
    const mv1::Campaign campaign = flow.Through(steps);
    REQUIRE(campaign.state() == state);
    const int64_t head = flow.HeadSequence();
    for (Step step : kSteps) {
      const auto& allowed = Allowed().at(state);
      if (std::find(allowed.begin(), allowed.end(), step) != allowed.end()) continue;
      INFO(mv1::CampaignState_Name(state) << " " << MethodOf(step));
      CHECK(Verdict(flow.Do(step, campaign.name(), campaign.etag())) ==
            absl::StrCat("FAILED_PRECONDITION CAMPAIGN_STATE ", campaign.name()));
      ++refused;
    }
    CHECK(Same(flow.Get(campaign.name()), campaign));
    CHECK(flow.HeadSequence() == head);
  }
  CHECK(refused == 18);
  for (Step step : kSteps) {
    CHECK(Outcome(flow.Do(step, "campaigns/nothing")) == "NOT_FOUND");
    CHECK(Outcome(flow.Do(step, "plans/x")) == "INVALID_ARGUMENT name");
  }
}

TEST_CASE("campaign lifecycle: a finished campaign cannot be released again",
          "[marketing][campaign][lifecycle]") {
  Flow flow;
  // Finished straight from released, and after running.
  for (const auto& steps : {std::vector<Step>{Step::kRelease, Step::kFinish},
                            std::vector<Step>{Step::kRelease, Step::kStart, Step::kFinish}}) {
    const mv1::Campaign finished = flow.Through(steps);
    REQUIRE(finished.state() == mv1::CAMPAIGN_STATE_FINISHED);
    const int64_t head = flow.HeadSequence();
    CHECK(Verdict(flow.Do(Step::kRelease, finished.name())) ==
          absl::StrCat("FAILED_PRECONDITION CAMPAIGN_STATE ", finished.name()));
    CHECK(Verdict(flow.Do(Step::kRelease, finished.name(), finished.etag())) ==
          absl::StrCat("FAILED_PRECONDITION CAMPAIGN_STATE ", finished.name()));
    const mv1::Campaign read = flow.Get(finished.name());
    CHECK(read.state() == mv1::CAMPAIGN_STATE_FINISHED);
    CHECK(read.etag() == finished.etag());
    CHECK(flow.HeadSequence() == head);
  }
}

TEST_CASE(
    "campaign lifecycle: once released the start date and plan are fixed, the rest may "
    "change",
    "[marketing][campaign][lifecycle]") {
  Flow flow;
  const std::string other_plan = flow.Plan(Next(1, 1), Next(12, 31));
  const std::string owner = flow.Employee("Planer");
  const std::string state_refused = "FAILED_PRECONDITION CAMPAIGN_STATE ";

  // Planned: everything may change.
  mv1::Campaign planned = flow.Create(flow.Ready());
  *planned.mutable_start_date() = Next(2, 1);
  planned.set_marketing_plan(other_plan);
  REQUIRE(Outcome(flow.TryUpdate(planned, {"start_date", "marketing_plan"}, &planned)) == "OK");
  CHECK(Iso(planned.start_date()) == Iso(Next(2, 1)));

  mv1::Campaign campaign = flow.Through({Step::kRelease});
  int round = 0;
  for (Step next : {Step::kStart, Step::kPause, Step::kFinish}) {
    INFO(mv1::CampaignState_Name(campaign.state()));
    const std::string refused = absl::StrCat(state_refused, campaign.name());
    const int64_t head = flow.HeadSequence();
    mv1::Campaign patch = campaign;
    *patch.mutable_start_date() = Next(2, 1);
    CHECK(Verdict(flow.TryUpdate(patch, {"start_date"})) == refused);
    patch = campaign;
    patch.set_marketing_plan(other_plan);
    CHECK(Verdict(flow.TryUpdate(patch, {"marketing_plan"})) == refused);
    patch.clear_marketing_plan();
    CHECK(Verdict(flow.TryUpdate(patch, {"marketing_plan"})) == refused);
    patch.set_currency_code("USD");
    CHECK(Outcome(flow.TryUpdate(patch, {"currency_code"})) == "INVALID_ARGUMENT update_mask");
    CHECK(Verdict(flow.TryDelete(campaign.name())) == refused);
    CHECK(Same(flow.Get(campaign.name()), campaign));
    CHECK(flow.HeadSequence() == head);

    // Texts, end date, budget, owner and new waves may change.
    ++round;
    patch = campaign;
    patch.set_display_name(absl::StrCat("Retention, round ", round));
    patch.set_description("Extended");
    *patch.mutable_end_date() = Next(5, round * 5);
    *patch.mutable_planned_budget() = Eur(6000 + round);
    patch.set_owner(owner);
    *patch.add_waves() = NewWave(absl::StrCat("extra-", round), mv1::CHANNEL_EMAIL, Next(5, 1),
                                 Next(5, round * 5), flow.by_mail());
    mv1::Campaign updated;
    REQUIRE(
        Outcome(flow.TryUpdate(
            patch, {"display_name", "description", "end_date", "planned_budget", "owner", "waves"},
            &updated)) == "OK");
    CHECK(updated.state() == campaign.state());
    CHECK(updated.display_name() == patch.display_name());
    CHECK(Iso(updated.end_date()) == Iso(Next(5, round * 5)));
    CHECK(updated.planned_budget().units() == 6000 + round);
    CHECK(updated.owner() == owner);
    CHECK(updated.waves_size() == campaign.waves_size() + 1);
    CHECK(Same(flow.Get(campaign.name()), updated));
    CHECK(flow.DescribeChangesAfter(head) ==
          Strings{Change("UPDATED", campaign.name(), "UpdateCampaign")});
    campaign = flow.MustDo(next, campaign.name());
  }

  // Finished: nothing changes.
  REQUIRE(campaign.state() == mv1::CAMPAIGN_STATE_FINISHED);
  const std::string refused = absl::StrCat(state_refused, campaign.name());
  const int64_t head = flow.HeadSequence();
  mv1::Campaign patch = campaign;
  patch.set_display_name("After the fact");
  CHECK(Verdict(flow.TryUpdate(patch, {"display_name"})) == refused);
  patch = campaign;
  *patch.mutable_planned_budget() = Eur(1);
  CHECK(Verdict(flow.TryUpdate(patch, {"planned_budget"})) == refused);
  patch = campaign;
  *patch.add_waves() = NewWave("late", mv1::CHANNEL_WEB, Next(5, 1), Next(5, 2));
  CHECK(Verdict(flow.TryUpdate(patch, {"waves"})) == refused);
  CHECK(Verdict(flow.TryDelete(campaign.name())) == refused);
  CHECK(Same(flow.Get(campaign.name()), campaign));
  CHECK(flow.HeadSequence() == head);
}

TEST_CASE("campaign lifecycle: a wave released for execution is fixed, the others may change",
          "[marketing][campaign][lifecycle]") {
  Flow flow;
  const mv1::Campaign running = flow.Through({Step::kRelease, Step::kStart});
  CHECK(!running.waves(0).has_release_time());
  const mv1::WaveRelease release = flow.ReleaseWave(running.name(), "mails");
  const mv1::Campaign campaign = flow.Get(running.name());
  CHECK(Same(release.campaign(), campaign));
  REQUIRE(WaveIds(campaign) == WaveIds(running));
  CHECK(campaign.waves(0).has_release_time());
  CHECK(!campaign.waves(1).has_release_time());
  const int64_t head = flow.HeadSequence();

  const std::string refused = absl::StrCat("FAILED_PRECONDITION CAMPAIGN_STATE ", campaign.name());
  mv1::Campaign patch = campaign;
  patch.mutable_waves(0)->mutable_message_template()->set_body("Changed after release");
  CHECK(Verdict(flow.TryUpdate(patch, {"waves"})) == refused);
  patch = campaign;
  *patch.mutable_waves(0)->mutable_end_date() = Next(3, 9);
  CHECK(Verdict(flow.TryUpdate(patch, {"waves"})) == refused);
  patch = campaign;
  patch.mutable_waves()->DeleteSubrange(0, 1);
  CHECK(Verdict(flow.TryUpdate(patch, {"waves"})) == refused);
  CHECK(Same(flow.Get(campaign.name()), campaign));
  CHECK(flow.HeadSequence() == head);

  // A wave not yet released may change; the release time sent is ignored
  // and the released wave keeps its own.
  patch = campaign;
  patch.mutable_waves(1)->set_call_script("Good evening {{family_name}}");
  patch.mutable_waves(1)->mutable_release_time()->set_seconds(1700000000);
  patch.mutable_waves(0)->clear_release_time();
  mv1::Campaign updated;
  REQUIRE(Outcome(flow.TryUpdate(patch, {"waves"}, &updated)) == "OK");
  CHECK(updated.waves(1).call_script() == "Good evening {{family_name}}");
  CHECK(!updated.waves(1).has_release_time());
  CHECK(Same(updated.waves(0), campaign.waves(0)));
  CHECK(Same(flow.Get(campaign.name()), updated));
}

}  // namespace crm::marketing::testing
