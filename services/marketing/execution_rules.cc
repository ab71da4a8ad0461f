#include "services/marketing/execution_rules.h"

#include <tuple>

#include "common/api/resource.h"
#include "common/validation/field_checks.h"
#include "services/marketing/campaign_rules.h"
#include "services/marketing/segment_rules.h"

namespace crm::marketing {

MemberSnapshot SnapshotOf(const partners::v1::Partner& partner, v1::Channel channel) {
  MemberSnapshot snapshot;
  snapshot.partner = partner.name();
  snapshot.display_name = partner.display_name();
  if (partner.has_person()) {
    snapshot.given_name = partner.person().given_name();
    snapshot.family_name = partner.person().family_name();
  }
  std::tie(snapshot.city, snapshot.country_code) = CityAndCountry(partner);
  snapshot.address = ContactAddress(partner, channel);
  return snapshot;
}

v1::Contact ContactFor(const v1::Campaign& campaign, const v1::Wave& wave,
                       const MemberSnapshot& member) {
  const std::map<std::string, std::string> values = {
      {"display_name", member.display_name}, {"given_name", member.given_name},
      {"family_name", member.family_name},   {"city", member.city},
      {"country_code", member.country_code}, {"campaign", campaign.display_name()}};
  v1::Contact contact;
  contact.set_campaign(campaign.name());
  contact.set_wave_id(wave.wave_id());
  contact.set_partner(member.partner);
  contact.set_display_name(member.display_name);
  contact.set_channel(wave.channel());
  contact.set_address(member.address);
  if (wave.channel() == v1::CHANNEL_PHONE) {
    contact.set_message(FillTemplate(wave.call_script(), values));
  } else {
    contact.set_subject(FillTemplate(wave.message_template().subject(), values));
    contact.set_message(FillTemplate(wave.message_template().body(), values));
  }
  return contact;
}

void ValidateResponse(const v1::Response& response, const std::string& path, Violations* out) {
  const std::string contact = validation::Child(path, "contact");
  if (response.contact().empty()) {
    out->Add(contact, "is required");
  } else {
    validation::CheckOptionalReference(response.contact(), "contacts", contact, out);
  }
  validation::CheckRequiredEnum(response.type(), v1::ResponseType_IsValid,
                                validation::Child(path, "type"), out);
  validation::CheckText(response.notes(), 2000, validation::Child(path, "notes"), out);
}

double Percent(int64_t part, int64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

double UpliftPoints(int target_members, int target_buyers, int control_members,
                    int control_buyers) {
  if (target_members == 0 || control_members == 0) return 0.0;
  return Percent(target_buyers, target_members) - Percent(control_buyers, control_members);
}

double ReturnOnCostPercent(int64_t revenue_nanos, int64_t cost_nanos) {
  if (cost_nanos <= 0) return 0.0;
  return 100.0 * static_cast<double>(revenue_nanos - cost_nanos) / static_cast<double>(cost_nanos);
}

}  // namespace crm::marketing
