// The pure rules of execution: the contact a wave makes with a member (its
// address and filled message), where a partner is reached per channel, and
// the figures of a campaign's performance.
#include "services/marketing/execution_rules.h"

#include <catch2/catch.hpp>

#include "common/errors.h"
#include "services/marketing/segment_rules.h"

namespace crm::marketing {
namespace {

v1::Campaign Campaign() {
  v1::Campaign campaign;
  campaign.set_name("campaigns/autumn");
  campaign.set_display_name("Autumn offer");
  return campaign;
}

MemberSnapshot Member() {
  return {"partners/p1", "Huber, Anna", "Anna", "Huber", "München", "DE", "anna@huber.example"};
}

TEST_CASE("execution rules: an e-mail contact carries the filled subject and message",
          "[marketing][execution]") {
  v1::Wave wave;
  wave.set_wave_id("mailing");
  wave.set_channel(v1::CHANNEL_EMAIL);
  wave.mutable_message_template()->set_subject("{{campaign}} for {{ family_name }}");
  wave.mutable_message_template()->set_body(
      "Dear {{given_name}} {{family_name}} ({{display_name}}) in {{city}}, {{country_code}}.");
  const v1::Contact contact = ContactFor(Campaign(), wave, Member());
  CHECK(contact.campaign() == "campaigns/autumn");
  CHECK(contact.wave_id() == "mailing");
  CHECK(contact.partner() == "partners/p1");
  CHECK(contact.display_name() == "Huber, Anna");
  CHECK(contact.channel() == v1::CHANNEL_EMAIL);
  CHECK(contact.address() == "anna@huber.example");
  CHECK(contact.subject() == "Autumn offer for Huber");
  CHECK(contact.message() == "Dear Anna Huber (Huber, Anna) in München, DE.");
}

TEST_CASE("execution rules: a phone contact carries the filled call script",
          "[marketing][execution]") {
  v1::Wave wave;
  wave.set_wave_id("calls");
  wave.set_channel(v1::CHANNEL_PHONE);
  wave.set_call_script("Good morning, is this {{given_name}} {{family_name}}?");
  MemberSnapshot member = Member();
  member.given_name.clear();  // an organisation has no given name
  const v1::Contact contact = ContactFor(Campaign(), wave, member);
  CHECK(contact.subject().empty());
  CHECK(contact.message() == "Good morning, is this  Huber?");
}

TEST_CASE("execution rules: where a partner is reached through each channel",
          "[marketing][execution]") {
  partners::v1::Partner partner;
  partner.add_email_addresses()->set_address("first@example.com");
  auto* preferred = partner.add_email_addresses();
  preferred->set_address("default@example.com");
  preferred->set_is_default(true);
  auto* fax = partner.add_phone_numbers();
  fax->set_number("+4989000001");
  fax->set_type(partners::v1::PHONE_TYPE_FAX);
  auto* landline = partner.add_phone_numbers();
  landline->set_number("+4989000002");
  landline->set_type(partners::v1::PHONE_TYPE_LANDLINE);
  auto* mobile = partner.add_phone_numbers();
  mobile->set_number("+49170000003");
  mobile->set_type(partners::v1::PHONE_TYPE_MOBILE);
  auto* address = partner.add_addresses();
  address->add_street_lines("Hauptstraße 1");
  address->add_street_lines("Hinterhaus");
  address->set_postal_code("80331");
  address->set_city("München");
  address->set_country_code("DE");

  CHECK(ContactAddress(partner, v1::CHANNEL_EMAIL) == "default@example.com");
  CHECK(ContactAddress(partner, v1::CHANNEL_PHONE) == "+4989000002");  // never the fax
  CHECK(ContactAddress(partner, v1::CHANNEL_SMS) == "+49170000003");   // only a mobile
  CHECK(ContactAddress(partner, v1::CHANNEL_MAIL) ==
        "Hauptstraße 1, Hinterhaus, 80331 München, DE");
  CHECK(ContactAddress(partner, v1::CHANNEL_WEB).empty());
  CHECK(CityAndCountry(partner) == std::make_pair(std::string("München"), std::string("DE")));

  partners::v1::Partner bare;
  CHECK(ContactAddress(bare, v1::CHANNEL_EMAIL).empty());
  CHECK(ContactAddress(bare, v1::CHANNEL_SMS).empty());
  CHECK(ContactAddress(bare, v1::CHANNEL_MAIL).empty());
  CHECK(CityAndCountry(bare) == std::make_pair(std::string(), std::string()));
}

TEST_CASE("execution rules: a response needs its contact and type", "[marketing][execution]") {
  auto fields = [](const v1::Response& response) {
    Violations out;
    ValidateResponse(response, "response", &out);
    std::vector<std::string> names;
    for (const auto& v : out.list()) names.push_back(v.field);
    return names;
  };
  v1::Response response;
  CHECK(fields(response) == std::vector<std::string>{"response.contact", "response.type"});
  response.set_contact("leads/l1");
  response.set_type(static_cast<v1::ResponseType>(42));
  response.set_notes(std::string(2001, 'n'));
  CHECK(fields(response) ==
        std::vector<std::string>{"response.contact", "response.type", "response.notes"});
  response.set_contact("contacts/c1");
  response.set_type(v1::RESPONSE_TYPE_BOUGHT);
  response.set_notes("wants a second offer");
  CHECK(fields(response).empty());
}

TEST_CASE("execution rules: rates, uplift and return on cost", "[marketing][execution]") {
  CHECK(Percent(1, 4) == Approx(25.0));
  CHECK(Percent(3, 0) == 0.0);
  // 30 % of those contacted bought, 10 % of the control group: 20 points.
  CHECK(UpliftPoints(100, 30, 20, 2) == Approx(20.0));
  CHECK(UpliftPoints(100, 5, 20, 2) == Approx(-5.0));
  CHECK(UpliftPoints(100, 30, 0, 0) == 0.0);
  CHECK(UpliftPoints(0, 0, 20, 2) == 0.0);
  const int64_t eur = 1'000'000'000;
  CHECK(ReturnOnCostPercent(300 * eur, 100 * eur) == Approx(200.0));
  CHECK(ReturnOnCostPercent(50 * eur, 100 * eur) == Approx(-50.0));
  CHECK(ReturnOnCostPercent(50 * eur, 0) == 0.0);
}

}  // namespace
}  // namespace crm::marketing
