#include "services/marketing/campaign_rules.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/api/dates.h"
#include "common/api/resource.h"
#include "common/money/money.h"
#include "common/validation/field_checks.h"
#include "common/validation/formats.h"

namespace crm::marketing {
namespace {

using validation::Child;
using validation::Element;

constexpr int kMaxWaves = 50;
constexpr int kMaxPrices = 50;
constexpr size_t kMaxMessageChars = 10000;
constexpr size_t kMaxSmsChars = 480;

bool Overlaps(const google::type::Date& first, const google::type::Date& last,
              const google::type::Date& start, const google::type::Date& end) {
  return api::CompareDates(last, start) >= 0 && api::CompareDates(first, end) <= 0;
}

// The names between "{{" and "}}", trimmed; an unclosed one as "{{" plus
// the rest.
std::vector<std::string> PlaceholdersIn(const std::string& text) {
  std::vector<std::string> names;
  size_t at = 0;
  while ((at = text.find("{{", at)) != std::string::npos) {
    const size_t close = text.find("}}", at + 2);
    if (close == std::string::npos) {
      names.push_back(text.substr(at));
      break;
    }
    names.emplace_back(absl::StripAsciiWhitespace(text.substr(at + 2, close - at - 2)));
    at = close + 2;
  }
  return names;
}

void CheckPlaceholders(const std::string& text, const std::string& field, Violations* out) {
  for (const std::string& unknown : UnknownPlaceholders(text)) {
    out->Add(field, absl::StrCat("uses the unknown placeholder \"", unknown,
                                 "\"; known are {{display_name}}, {{given_name}}, "
                                 "{{family_name}}, {{city}}, {{country_code}} and {{campaign}}"));
  }
}

void ValidateWave(const v1::Wave& wave, const v1::Campaign& campaign, const std::string& at,
                  Violations* out) {
  out->AddAll(api::CheckResourceId(wave.wave_id(), Child(at, "wave_id")));
  validation::CheckRequiredText(wave.display_name(), 200, Child(at, "display_name"), out);
  const bool channel_ok =
      validation::CheckRequiredEnum(wave.channel(), v1::Channel_IsValid, Child(at, "channel"), out);
  Violations dates;
  validation::CheckDateRange(wave.start_date(), Child(at, "start_date"), wave.end_date(),
                             Child(at, "end_date"), 0, &dates);
  if (dates.empty() && validation::IsValidDate(campaign.start_date()) &&
      validation::IsValidDate(campaign.end_date())) {
    if (api::CompareDates(wave.start_date(), campaign.start_date()) < 0) {
      dates.Add(Child(at, "start_date"), absl::StrCat("must not be before the campaign's start (",
                                                      api::IsoDate(campaign.start_date()), ")"));
    }
    if (api::CompareDates(wave.end_date(), campaign.end_date()) > 0) {
      dates.Add(Child(at, "end_date"), absl::StrCat("must not be after the campaign's end (",
                                                    api::IsoDate(campaign.end_date()), ")"));
    }
  }
  out->AddAll(dates.ToStatus());
  validation::CheckOptionalReference(wave.target_group(), "targetGroups", Child(at, "target_group"),
                                     out);
  if (!channel_ok) return;
  const v1::Channel channel = wave.channel();
  if (channel == v1::CHANNEL_WEB && !wave.target_group().empty()) {
    out->Add(Child(at, "target_group"), "must be empty for a web wave: it reaches visitors");
  }
  const std::string message = Child(at, "message_template");
  if (wave.has_message_template()) {
    if (channel == v1::CHANNEL_PHONE || channel == v1::CHANNEL_WEB) {
      out->Add(message, "is only for e-mail, mail and SMS waves");
    } else {
      const v1::MessageTemplate& tpl = wave.message_template();
      const std::string subject = Child(message, "subject");
      const std::string body = Child(message, "body");
      if (channel != v1::CHANNEL_EMAIL && !tpl.subject().empty()) {
        out->Add(subject, "is only for e-mail waves");
      } else if (validation::CheckText(tpl.subject(), 200, subject, out)) {
        CheckPlaceholders(tpl.subject(), subject, out);
      }
      const size_t max_body = channel == v1::CHANNEL_SMS ? kMaxSmsChars : kMaxMessageChars;
      if (validation::CheckText(tpl.body(), max_body, body, out)) {
        CheckPlaceholders(tpl.body(), body, out);
      }
    }
  }
  const std::string script = Child(at, "call_script");
  if (!wave.call_script().empty() && channel != v1::CHANNEL_PHONE) {
    out->Add(script, "is only for phone waves");
  } else if (validation::CheckText(wave.call_script(), kMaxMessageChars, script, out)) {
    CheckPlaceholders(wave.call_script(), script, out);
  }
}

void ValidatePrice(const v1::CampaignPrice& price, const std::string& currency,
                   const std::string& at, Violations* out) {
  const std::string product = Child(at, "product");
  const std::string group = Child(at, "product_group");
  if (price.product().empty() == price.product_group().empty()) {
    out->Add(product, "exactly one of product and product_group must be set");
  } else if (!price.product().empty()) {
    validation::CheckOptionalReference(price.product(), "products", product, out);
  } else if (!validation::IsProductGroup(price.product_group())) {
    out->Add(group, validation::kProductGroupForm);
  }
  const std::string unit_price = Child(at, "unit_price");
  const std::string discount = Child(at, "discount_percent");
  if (price.has_unit_price() == (price.discount_percent() != 0)) {
    out->Add(unit_price, "exactly one of unit_price and discount_percent must be set");
  } else if (price.has_unit_price()) {
    money::CheckMoney(price.unit_price(), unit_price, true, false, currency, out);
  } else if (!(price.discount_percent() > 0 && price.discount_percent() <= 100)) {
    out->Add(discount, "must be above 0 and at most 100");
  }
}

const char* StateName(v1::CampaignState state) {
  switch (state) {
    case v1::CAMPAIGN_STATE_PLANNED:
      return "planned";
    case v1::CAMPAIGN_STATE_RELEASED:
      return "released";
    case v1::CAMPAIGN_STATE_RUNNING:
      return "running";
    case v1::CAMPAIGN_STATE_PAUSED:
      return "paused";
    case v1::CAMPAIGN_STATE_FINISHED:
      return "finished";
    default:
      return "in no known state";
  }
}

absl::Status StateRefuses(const v1::Campaign& campaign, absl::string_view what) {
  return FailedPrecondition("CAMPAIGN_STATE", campaign.name(),
                            absl::StrCat("is ", StateName(campaign.state()), "; ", what));
}

google::type::Date Shifted(const google::type::Date& date, int days) {
  return api::DateOf(api::CivilDayOf(date) + days);
}

}  // namespace

void ValidateMarketingPlan(const v1::MarketingPlan& plan, const std::string& path,
                           Violations* out) {
  validation::CheckRequiredText(plan.display_name(), 200, Child(path, "display_name"), out);
  validation::CheckText(plan.description(), 2000, Child(path, "description"), out);
  validation::CheckDateRange(plan.start_date(), Child(path, "start_date"), plan.end_date(),
                             Child(path, "end_date"), 0, out);
  const std::string currency = Child(path, "currency_code");
  if (plan.currency_code().empty()) {
    out->Add(currency, "is required");
  } else if (!money::IsCurrencyCode(plan.currency_code())) {
    out->Add(currency, "must be an ISO 4217 code of three upper-case letters");
  }
  money::CheckMoney(plan.planned_budget(), Child(path, "planned_budget"), true, false,
                    plan.currency_code(), out);
}

void ValidateCostItem(const v1::CostItem& item, const std::string& path, Violations* out) {
  const std::string plan = Child(path, "marketing_plan");
  const std::string campaign = Child(path, "campaign");
  if (item.marketing_plan().empty() == item.campaign().empty()) {
    out->Add(item.campaign().empty() ? plan : campaign,
             "exactly one of marketing_plan and campaign must be set");
  } else {
    validation::CheckOptionalReference(item.marketing_plan(), "marketingPlans", plan, out);
    validation::CheckOptionalReference(item.campaign(), "campaigns", campaign, out);
  }
  validation::CheckRequiredText(item.description(), 500, Child(path, "description"), out);
  const std::string amount = Child(path, "amount");
  if (money::CheckMoney(item.amount(), amount, true, false, "", out) &&
      money::ToNanos(item.amount()) == 0) {
    out->Add(amount, "must be above 0");
  }
  validation::CheckRequiredDate(item.incurred_date(), Child(path, "incurred_date"), out);
}

void ValidateCampaign(const v1::Campaign& campaign, const std::string& path, Violations* out) {
  validation::CheckRequiredText(campaign.display_name(), 200, Child(path, "display_name"), out);
  validation::CheckText(campaign.description(), 2000, Child(path, "description"), out);
  validation::CheckOptionalReference(campaign.marketing_plan(), "marketingPlans",
                                     Child(path, "marketing_plan"), out);
  validation::CheckOptionalReference(campaign.owner(), "partners", Child(path, "owner"), out);
  validation::CheckDateRange(campaign.start_date(), Child(path, "start_date"), campaign.end_date(),
                             Child(path, "end_date"), 0, out);
  const std::string currency = Child(path, "currency_code");
  if (campaign.currency_code().empty()) {
    out->Add(currency, "is required");
  } else if (!money::IsCurrencyCode(campaign.currency_code())) {
    out->Add(currency, "must be an ISO 4217 code of three upper-case letters");
  }
  money::CheckMoney(campaign.planned_budget(), Child(path, "planned_budget"), false, false,
                    campaign.currency_code(), out);
  const std::string prices = Child(path, "prices");
  if (validation::CheckMaxEntries(campaign.prices_size(), kMaxPrices, prices, out)) {
    for (int i = 0; i < campaign.prices_size(); ++i) {
      ValidatePrice(campaign.prices(i), campaign.currency_code(), Element(prices, i), out);
    }
  }
  const std::string waves = Child(path, "waves");
  if (!validation::CheckMaxEntries(campaign.waves_size(), kMaxWaves, waves, out)) return;
  std::set<std::string> ids;
  for (int i = 0; i < campaign.waves_size(); ++i) {
    const std::string at = Element(waves, i);
    ValidateWave(campaign.waves(i), campaign, at, out);
    if (!campaign.waves(i).wave_id().empty() && !ids.insert(campaign.waves(i).wave_id()).second) {
      out->Add(Child(at, "wave_id"), "is used by an earlier wave");
    }
  }
}

const std::vector<std::string>& TemplatePlaceholders() {
  static const auto* names = new std::vector<std::string>{
      "display_name", "given_name", "family_name", "city", "country_code", "campaign"};
  return *names;
}

std::vector<std::string> UnknownPlaceholders(const std::string& text) {
  const std::set<std::string> known(TemplatePlaceholders().begin(), TemplatePlaceholders().end());
  std::vector<std::string> unknown;
  for (const std::string& name : PlaceholdersIn(text)) {
    if (known.count(name) == 0) unknown.push_back(name);
  }
  return unknown;
}

std::string FillTemplate(const std::string& text,
                         const std::map<std::string, std::string>& values) {
  std::string out;
  size_t from = 0;
  for (;;) {
    const size_t open = text.find("{{", from);
    const size_t close = open == std::string::npos ? open : text.find("}}", open + 2);
    if (close == std::string::npos) break;
    out.append(text, from, open - from);
    const std::string name(absl::StripAsciiWhitespace(text.substr(open + 2, close - open - 2)));
    auto it = values.find(name);
    if (it != values.end()) out += it->second;
    from = close + 2;
  }
  out.append(text, from, std::string::npos);
  return out;
}

absl::Status CheckCampaignChange(const v1::Campaign& before, const v1::Campaign& after) {
  switch (before.state()) {
    case v1::CAMPAIGN_STATE_PLANNED:
      return absl::OkStatus();
    case v1::CAMPAIGN_STATE_FINISHED:
      return StateRefuses(before, "nothing about it changes any more");
    default:
      break;
  }
  if (api::CompareDates(before.start_date(), after.start_date()) != 0) {
    return StateRefuses(before, "its start_date is fixed once it is released");
  }
  if (before.marketing_plan() != after.marketing_plan()) {
    return StateRefuses(before, "its marketing_plan is fixed once it is released");
  }
  if (before.prices_size() != after.prices_size()) {
    return StateRefuses(before, "its prices are in sales and fixed once it is released");
  }
  for (int i = 0; i < before.prices_size(); ++i) {
    if (before.prices(i).SerializeAsString() != after.prices(i).SerializeAsString()) {
      return StateRefuses(before, "its prices are in sales and fixed once it is released");
    }
  }
  for (const v1::Wave& released : before.waves()) {
    if (!released.has_release_time()) continue;
    const v1::Wave* now = nullptr;
    for (const v1::Wave& wave : after.waves()) {
      if (wave.wave_id() == released.wave_id()) now = &wave;
    }
    if (now == nullptr) {
      return StateRefuses(
          before, absl::StrCat("its released wave \"", released.wave_id(), "\" cannot be removed"));
    }
    if (now->SerializeAsString() != released.SerializeAsString()) {
      return StateRefuses(
          before, absl::StrCat("its released wave \"", released.wave_id(), "\" cannot change"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckWavesReady(const v1::Campaign& campaign) {
  if (campaign.waves().empty()) {
    return FailedPrecondition("WAVE_NOT_READY", "waves",
                              absl::StrCat(campaign.name(), " has no waves to run"));
  }
  for (int i = 0; i < campaign.waves_size(); ++i) {
    const v1::Wave& wave = campaign.waves(i);
    const std::string at = Element("waves", i);
    auto missing = [&](const char* field, absl::string_view what) {
      return FailedPrecondition("WAVE_NOT_READY", Child(at, field),
                                absl::StrCat("wave \"", wave.wave_id(), "\" needs ", what));
    };
    if (wave.channel() != v1::CHANNEL_WEB && wave.target_group().empty()) {
      return missing("target_group", "a target group");
    }
    switch (wave.channel()) {
      case v1::CHANNEL_EMAIL:
        if (wave.message_template().subject().empty()) {
          return missing("message_template.subject", "a subject");
        }
        [[fallthrough]];
      case v1::CHANNEL_MAIL:
      case v1::CHANNEL_SMS:
        if (wave.message_template().body().empty()) {
          return missing("message_template.body", "a message");
        }
        break;
      case v1::CHANNEL_PHONE:
        if (wave.call_script().empty()) return missing("call_script", "a call script");
        break;
      default:
        break;
    }
  }
  return absl::OkStatus();
}

absl::Status ChangeCampaignState(v1::Campaign* campaign, CampaignAction action) {
  const v1::CampaignState state = campaign->state();
  switch (action) {
    case CampaignAction::kRelease:
      if (state != v1::CAMPAIGN_STATE_PLANNED) {
        return StateRefuses(*campaign, "only a planned campaign can be released");
      }
      if (absl::Status s = CheckWavesReady(*campaign); !s.ok()) return s;
      campaign->set_state(v1::CAMPAIGN_STATE_RELEASED);
      return absl::OkStatus();
    case CampaignAction::kStart:
      if (state != v1::CAMPAIGN_STATE_RELEASED) {
        return StateRefuses(*campaign, "only a released campaign can be started");
      }
      campaign->set_state(v1::CAMPAIGN_STATE_RUNNING);
      return absl::OkStatus();
    case CampaignAction::kPause:
      if (state != v1::CAMPAIGN_STATE_RUNNING) {
        return StateRefuses(*campaign, "only a running campaign can be paused");
      }
      campaign->set_state(v1::CAMPAIGN_STATE_PAUSED);
      return absl::OkStatus();
    case CampaignAction::kResume:
      if (state != v1::CAMPAIGN_STATE_PAUSED) {
        return StateRefuses(*campaign, "only a paused campaign can be resumed");
      }
      campaign->set_state(v1::CAMPAIGN_STATE_RUNNING);
      return absl::OkStatus();
    case CampaignAction::kFinish:
      if (state != v1::CAMPAIGN_STATE_RELEASED && state != v1::CAMPAIGN_STATE_RUNNING &&
          state != v1::CAMPAIGN_STATE_PAUSED) {
        return StateRefuses(*campaign,
                            "only a released, running or paused campaign can be finished");
      }
      campaign->set_state(v1::CAMPAIGN_STATE_FINISHED);
      return absl::OkStatus();
  }
  return absl::InternalError("unknown campaign action");
}

v1::Campaign CopyOfCampaign(const v1::Campaign& source, const std::string& display_name,
                            const google::type::Date& start_date) {
  const int shift =
      static_cast<int>(api::CivilDayOf(start_date) - api::CivilDayOf(source.start_date()));
  v1::Campaign copy = source;
  copy.clear_name();
  copy.clear_create_time();
  copy.clear_update_time();
  copy.clear_etag();
  copy.clear_actual_cost();
  copy.set_display_name(display_name);
  copy.set_state(v1::CAMPAIGN_STATE_PLANNED);
  copy.set_copied_from(source.name());
  *copy.mutable_start_date() = start_date;
  *copy.mutable_end_date() = Shifted(source.end_date(), shift);
  for (v1::CampaignPrice& price : *copy.mutable_prices()) price.clear_price_condition();
  for (v1::Wave& wave : *copy.mutable_waves()) {
    *wave.mutable_start_date() = Shifted(wave.start_date(), shift);
    *wave.mutable_end_date() = Shifted(wave.end_date(), shift);
    wave.clear_release_time();
  }
  return copy;
}

std::vector<v1::CalendarEntry> CalendarEntries(const v1::Campaign& campaign,
                                               const google::type::Date& start,
                                               const google::type::Date& end) {
  std::vector<v1::CalendarEntry> entries;
  auto add = [&](const std::string& wave_id, const std::string& display_name, v1::Channel channel,
                 const google::type::Date& first, const google::type::Date& last) {
    v1::CalendarEntry& entry = entries.emplace_back();
    entry.set_campaign(campaign.name());
    entry.set_wave_id(wave_id);
    entry.set_display_name(display_name);
    entry.set_channel(channel);
    *entry.mutable_start_date() = first;
    *entry.mutable_end_date() = last;
    entry.set_state(campaign.state());
    entry.set_marketing_plan(campaign.marketing_plan());
  };
  if (!Overlaps(campaign.start_date(), campaign.end_date(), start, end)) return entries;
  add("", campaign.display_name(), v1::CHANNEL_UNSPECIFIED, campaign.start_date(),
      campaign.end_date());
  std::vector<const v1::Wave*> waves;
  for (const v1::Wave& wave : campaign.waves()) {
    if (Overlaps(wave.start_date(), wave.end_date(), start, end)) waves.push_back(&wave);
  }
  std::stable_sort(waves.begin(), waves.end(), [](const v1::Wave* a, const v1::Wave* b) {
    return api::CompareDates(a->start_date(), b->start_date()) < 0;
  });
  for (const v1::Wave* wave : waves) {
    add(wave->wave_id(), wave->display_name(), wave->channel(), wave->start_date(),
        wave->end_date());
  }
  return entries;
}

}  // namespace crm::marketing
