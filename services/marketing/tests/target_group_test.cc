// Target groups (SegmentService BuildTargetGroup, GetTargetGroup,
// ListTargetGroups, ListTargetGroupMembers) over a real gRPC channel and a
// real SQLite file, with a real partners service beside marketing:
// membership by every kind of criterion, only partners with marketing
// consent for the channel (the others counted by the partners service's
// reason; a withdrawn consent keeps a partner out of every new group), the
// control split and its seed, bad requests, partners down, retries, member
// paging and filtering, merged partners, the criteria snapshot and the feed.
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "services/marketing/tests/marketing_fixture.h"

namespace crm::marketing::testing {
namespace {

using SS = mv1::SegmentService::Stub;
using Members = std::vector<mv1::TargetGroupMember>;

// A birth date `years` whole years ago (the birthday some 200 days past),
// so that the ages here never go stale.
Date BornYearsAgo(int years) {
  Date date = crm::api::UtcDate(absl::Now() - absl::Hours(24 * 200));
  if (date.month() == 2 && date.day() == 29) date.set_day(28);
  date.set_year(date.year() - years);
  return date;
}

Strings DisplayNames(const Members& members) {
  Strings names;
  for (const auto& member : members) names.push_back(member.display_name());
  return names;
}

std::vector<bool> ControlFlags(const Members& members) {
  std::vector<bool> flags;
  for (const auto& member : members) flags.push_back(member.control());
  return flags;
}

// "NO_CONSENT 2, CONSENT_WITHDRAWN 1".
std::string Exclusions(const mv1::TargetGroup& group) {
  Strings parts;
  for (const mv1::ExclusionCount& exclusion : group.exclusions()) {
    parts.push_back(absl::StrCat(pv1::ContactDecisionReason_Name(exclusion.reason())
                                     .substr(sizeof("CONTACT_DECISION_REASON")),
                                 " ", exclusion.count()));
  }
  return absl::StrJoin(parts, ", ");
}

class TargetGroups : public MarketingBesidePeers {
 protected:
  TargetGroups() : MarketingBesidePeers(Peers{true, false}) {}

  std::string Segment(const mv1::SegmentCriteria& criteria,
                      const std::string& display_name = "Segment") {
    mv1::CreateSegmentRequest request;
    request.mutable_segment()->set_display_name(display_name);
    *request.mutable_segment()->mutable_criteria() = criteria;
    return MustCall(*segments_, &SS::CreateSegment, request).name();
  }

  static mv1::BuildTargetGroupRequest Request(const std::string& segment,
                                              mv1::Channel channel = mv1::CHANNEL_EMAIL,
                                              int control_share = 0, int64_t seed = 0) {
    mv1::BuildTargetGroupRequest request;
    request.set_segment(segment);
    request.set_channel(channel);
    request.set_control_share_percent(control_share);
    request.set_seed(seed);
    return request;
  }

  grpc::Status TryBuild(const mv1::BuildTargetGroupRequest& request, mv1::TargetGroup* out,
                        int deadline_seconds = 10) {
    auto context = crm::testing::ContextWithDeadline(deadline_seconds);
    return segments_->BuildTargetGroup(context.get(), request, out);
  }

  mv1::TargetGroup Build(const mv1::BuildTargetGroupRequest& request) {
    return MustCall(*segments_, &SS::BuildTargetGroup, request);
  }

  // Every member of `group` with `filter`, read `page_size` at a time.
  Members List(const std::string& group, const std::string& filter = "", int page_size = 0,
               int* pages = nullptr) {
    Members members;
    mv1::ListTargetGroupMembersRequest request;
    request.set_parent(group);
    request.set_filter(filter);
    request.set_page_size(page_size);
    int count = 0;
    do {
      const auto page = MustCall(*segments_, &SS::ListTargetGroupMembers, request);
      members.insert(members.end(), page.members().begin(), page.members().end());
      request.set_page_token(page.next_page_token());
      ++count;
    } while (!request.page_token().empty() && count < 50);
    if (pages != nullptr) *pages = count;
    return members;
  }

  Strings Names(const mv1::TargetGroup& group) { return DisplayNames(List(group.name())); }

  Strings GroupNames(const std::string& filter = "") {
    mv1::ListTargetGroupsRequest request;
    request.set_filter(filter);
    Strings names;
    const auto response = MustCall(*segments_, &SS::ListTargetGroups, request);
    for (const auto& group : response.target_groups()) names.push_back(group.name());
    return names;
  }

  // A partner as given, created in partners.
  std::string Create(const pv1::Partner& partner) {
    pv1::CreatePartnerRequest request;
    *request.mutable_partner() = partner;
    return MustCall(*partner_stub_, &PartnerStub::CreatePartner, request).name();
  }

  // An organisation in `industry` with a business address in Bavaria and an
  // e-mail address, playing the customer role.
  static pv1::Partner Organisation(const std::string& legal_name, const std::string& industry) {
    pv1::Partner partner;
    partner.set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
    partner.mutable_organization()->set_legal_name(legal_name);
    partner.mutable_organization()->set_industry_code(industry);
    pv1::Address& address = *partner.add_addresses();
    address.set_type(pv1::ADDRESS_TYPE_BUSINESS);
    address.set_city("Nürnberg");
    address.set_region("BY");
    address.set_country_code("DE");
    partner.add_email_addresses()->set_address(absl::StrCat(
        "info@", absl::AsciiStrToLower(legal_name.substr(0, legal_name.find(' '))), ".example"));
    partner.add_roles()->set_type(pv1::ROLE_TYPE_CUSTOMER);
    return partner;
  }

  // A person with an e-mail address and no postal address.
  static pv1::Partner Reader(const std::string& family_name) {
    pv1::Partner partner;
    partner.set_category(pv1::PARTNER_CATEGORY_PERSON);
    partner.mutable_person()->set_given_name("Kim");
    partner.mutable_person()->set_family_name(family_name);
    partner.add_email_addresses()->set_address(absl::StrCat(family_name, "@mail.example"));
    partner.add_roles()->set_type(pv1::ROLE_TYPE_PROSPECT);
    return partner;
  }

  // Person() with e-mail consent.
  std::string Subscriber(const std::string& family_name,
                         pv1::RoleType role = pv1::ROLE_TYPE_PROSPECT,
                         const std::string& region = "BY", const std::string& country = "DE",
                         const Date& birth_date = Date()) {
    const std::string name = Person(family_name, role, region, country, birth_date);
    GrantConsent(name, pv1::CONTACT_CHANNEL_EMAIL);
    return name;
  }

  static mv1::SegmentCriteria Prospects() {
    mv1::SegmentCriteria criteria;
    criteria.add_roles(pv1::ROLE_TYPE_PROSPECT);
    return criteria;
  }
};

TEST_CASE_METHOD(TargetGroups, "target group: members meet every criterion and have consent",
                 "[marketing][target_group]") {
  const std::string adler = Subscriber("Adler");
  Subscriber("Bauer", pv1::ROLE_TYPE_PROSPECT, "by");  // region in another case
  Subscriber("Conrad", pv1::ROLE_TYPE_PROSPECT, "NW");
  Subscriber("Dorn", pv1::ROLE_TYPE_PROSPECT, "BY", "AT");
  Subscriber("Engel", pv1::ROLE_TYPE_CUSTOMER);
  Person("Fuchs", pv1::ROLE_TYPE_PROSPECT);  // no consent
  const std::string graf = Subscriber("Graf");
  WithdrawConsent(graf, pv1::CONTACT_CHANNEL_EMAIL);
  const std::string heck = Person("Heck", pv1::ROLE_TYPE_PROSPECT);
  GrantConsent(heck, pv1::CONTACT_CHANNEL_SMS);  // another channel: no consent for e-mail
  Create(Organisation("Bavarian Prospects GmbH", "G47.1"));  // an organisation

  mv1::SegmentCriteria criteria;
  criteria.add_categories(pv1::PARTNER_CATEGORY_PERSON);
  criteria.add_roles(pv1::ROLE_TYPE_PROSPECT);
  criteria.add_country_codes("DE");
  criteria.add_regions("by");
  const std::string segment = Segment(criteria, "Bavarian prospects");
  const mv1::TargetGroup group = Build(Request(segment));

  CHECK(group.name().rfind("targetGroups/", 0) == 0);
  CHECK(group.segment() == segment);
  CHECK(group.channel() == mv1::CHANNEL_EMAIL);
  CHECK(group.criteria().SerializeAsString() == criteria.SerializeAsString());
  CHECK(group.display_name() ==
        absl::StrCat("Bavarian prospects ", crm::api::IsoDate(crm::api::UtcDate(absl::Now()))));
  CHECK(group.member_count() == 2);
  CHECK(group.control_count() == 0);
  CHECK(Exclusions(group) == "NO_CONSENT 2, CONSENT_WITHDRAWN 1");
  CHECK(group.seed() != 0);
  CHECK(!group.etag().empty());
  CHECK(group.create_time().seconds() > 0);
  CHECK(Names(group) == Strings{"Adler, Alex", "Bauer, Alex"});
  CHECK(List(group.name())[0].partner() == adler);

  mv1::GetTargetGroupRequest get;
  get.set_name(group.name());
  CHECK(MustCall(*segments_, &SS::GetTargetGroup, get).SerializeAsString() ==
        group.SerializeAsString());
  get.set_name("targetGroups/nothing");
  mv1::TargetGroup out;
  CHECK(Outcome(Call(*segments_, &SS::GetTargetGroup, get, &out)) == "NOT_FOUND");
  get.set_name("segments/x");
  CHECK(Outcome(Call(*segments_, &SS::GetTargetGroup, get, &out)) == "INVALID_ARGUMENT name");
}

TEST_CASE_METHOD(TargetGroups, "target group: industry, customer class, age band, custom fields",
                 "[marketing][target_group]") {
  pv1::CreateCustomFieldDefinitionRequest define;
  define.set_custom_field_definition_id("loyalty_tier");
  pv1::CustomFieldDefinition& tier = *define.mutable_custom_field_definition();
  tier.set_display_name("Loyalty tier");
  tier.set_type(pv1::CUSTOM_FIELD_TYPE_ENUMERATION);
  tier.add_categories(pv1::PARTNER_CATEGORY_PERSON);
  tier.add_allowed_values("gold");
  tier.add_allowed_values("silver");
  MustCall(*partner_stub_, &PartnerStub::CreateCustomFieldDefinition, define);

  const auto customer = [&](const std::string& family, pv1::CustomerClass customer_class,
                            const std::string& loyalty) {
    pv1::Partner partner = Reader(family);
    partner.clear_roles();
    pv1::Role& role = *partner.add_roles();
    role.set_type(pv1::ROLE_TYPE_CUSTOMER);
    role.mutable_customer()->set_customer_class(customer_class);
    (*partner.mutable_custom_fields())["loyalty_tier"].set_string_value(loyalty);
    const std::string name = Create(partner);
    GrantConsent(name, pv1::CONTACT_CHANNEL_EMAIL);
  };
  customer("Albers", pv1::CUSTOMER_CLASS_A, "gold");
  customer("Brandt", pv1::CUSTOMER_CLASS_B, "silver");
  customer("Claasen", pv1::CUSTOMER_CLASS_A, "silver");
  for (const auto& [legal_name, industry] : std::vector<std::pair<std::string, std::string>>{
           {"Alpha Handel GmbH", "G47.1"}, {"Beta Chips AG", "C26.2"}, {"Gamma Bau KG", "F41"}}) {
    GrantConsent(Create(Organisation(legal_name, industry)), pv1::CONTACT_CHANNEL_EMAIL);
  }
  Subscriber("Jung", pv1::ROLE_TYPE_PROSPECT, "BY", "DE", BornYearsAgo(25));
  Subscriber("Mittler", pv1::ROLE_TYPE_PROSPECT, "BY", "DE", BornYearsAgo(40));
  Subscriber("Greis", pv1::ROLE_TYPE_PROSPECT, "BY", "DE", BornYearsAgo(70));
  Subscriber("Ohnedatum", pv1::ROLE_TYPE_PROSPECT);  // no birth date

  const auto members = [&](const mv1::SegmentCriteria& criteria) {
    return Names(Build(Request(Segment(criteria))));
  };
  mv1::SegmentCriteria industry;
  industry.add_industry_codes("G47.1");
  CHECK(members(industry) == Strings{"Alpha Handel GmbH"});
  industry.add_industry_codes("C26.2");
  CHECK(members(industry) == Strings{"Alpha Handel GmbH", "Beta Chips AG"});

  mv1::SegmentCriteria organisations;
  organisations.add_categories(pv1::PARTNER_CATEGORY_ORGANIZATION);
  CHECK(members(organisations) == Strings{"Alpha Handel GmbH", "Beta Chips AG", "Gamma Bau KG"});

  mv1::SegmentCriteria class_a;
  class_a.add_customer_classes(pv1::CUSTOMER_CLASS_A);
  CHECK(members(class_a) == Strings{"Albers, Kim", "Claasen, Kim"});
  class_a.add_customer_classes(pv1::CUSTOMER_CLASS_B);
  class_a.add_categories(pv1::PARTNER_CATEGORY_PERSON);
  CHECK(members(class_a) == Strings{"Albers, Kim", "Brandt, Kim", "Claasen, Kim"});

  mv1::SegmentCriteria customers;
  customers.add_roles(pv1::ROLE_TYPE_CUSTOMER);  // organisations here are customers too
  CHECK(members(customers).size() == 6);

  mv1::SegmentCriteria band;
  band.mutable_age_band()->set_min_age(30);
  band.mutable_age_band()->set_max_age(50);
  CHECK(members(band) == Strings{"Mittler, Alex"});
  band.mutable_age_band()->set_min_age(40);
  band.mutable_age_band()->set_max_age(40);
  CHECK(members(band) == Strings{"Mittler, Alex"});
  band.mutable_age_band()->set_min_age(60);
  band.mutable_age_band()->set_max_age(0);  // no upper end
  CHECK(members(band) == Strings{"Greis, Alex"});
  band.mutable_age_band()->set_min_age(0);
  band.mutable_age_band()->set_max_age(39);
  CHECK(members(band) == Strings{"Jung, Alex"});

  mv1::SegmentCriteria gold;
  mv1::CustomFieldCriterion& field = *gold.add_custom_fields();
  field.set_key("loyalty_tier");
  field.mutable_equals()->set_string_value("gold");
  CHECK(members(gold) == Strings{"Albers, Kim"});
  field.mutable_equals()->set_string_value("silver");
  gold.add_customer_classes(pv1::CUSTOMER_CLASS_A);
  CHECK(members(gold) == Strings{"Claasen, Kim"});
  gold.set_customer_classes(0, pv1::CUSTOMER_CLASS_C);
  const mv1::TargetGroup empty = Build(Request(Segment(gold)));
  CHECK(empty.member_count() == 0);
  CHECK(empty.exclusions_size() == 0);
  CHECK(Names(empty).empty());
}

TEST_CASE_METHOD(TargetGroups, "target group: left-out partners are counted by reason",
                 "[marketing][target_group]") {
  // Channel partners have no postal address.
  const std::string no_address = ChannelPartner("Northwind Trading");
  GrantConsent(no_address, pv1::CONTACT_CHANNEL_MAIL);
  ChannelPartner("Contoso Retail");  // never asked
  const std::string email_only = ChannelPartner("Fabrikam Systems");
  GrantConsent(email_only, pv1::CONTACT_CHANNEL_EMAIL);
  const std::string sales_only = ChannelPartner("Litware Distribution");
  pv1::GrantConsentRequest for_sales = ConsentRequest(sales_only, pv1::CONTACT_CHANNEL_MAIL);
  for_sales.mutable_consent_record()->set_purpose(pv1::CONTACT_PURPOSE_SALES);
  MustCall(*partner_stub_, &PartnerStub::GrantConsent, for_sales);
  const std::string withdrawn = ChannelPartner("Tailspin Toys");
  GrantConsent(withdrawn, pv1::CONTACT_CHANNEL_MAIL);
  WithdrawConsent(withdrawn, pv1::CONTACT_CHANNEL_MAIL);
  pv1::Partner addressed = Organisation("Wingtip Supplies", "G46");
  addressed.mutable_roles(0)->set_type(pv1::ROLE_TYPE_CHANNEL_PARTNER);
  const std::string reachable = Create(addressed);
  GrantConsent(reachable, pv1::CONTACT_CHANNEL_MAIL);

  mv1::SegmentCriteria criteria;
  criteria.add_roles(pv1::ROLE_TYPE_CHANNEL_PARTNER);
  const std::string segment = Segment(criteria);
  const mv1::TargetGroup by_mail = Build(Request(segment, mv1::CHANNEL_MAIL));
  CHECK(by_mail.member_count() == 1);
  CHECK(Names(by_mail) == Strings{"Wingtip Supplies"});
  CHECK(Exclusions(by_mail) == "NO_CONSENT 3, CONSENT_WITHDRAWN 1, NO_ADDRESS 1");

  // By e-mail only the two with e-mail consent, and one has no address.
  const mv1::TargetGroup by_email = Build(Request(segment, mv1::CHANNEL_EMAIL));
  CHECK(by_email.member_count() == 0);
  CHECK(Exclusions(by_email) == "NO_CONSENT 5, NO_ADDRESS 1");
}

TEST_CASE_METHOD(TargetGroups, "target group: a partner who withdrew consent is never in a new one",
                 "[marketing][target_group]") {
  const std::string adler = Subscriber("Adler");
  const std::string bauer = Subscriber("Bauer");
  const std::string segment = Segment(Prospects());
  const mv1::TargetGroup before = Build(Request(segment));
  REQUIRE(Names(before) == Strings{"Adler, Alex", "Bauer, Alex"});

  WithdrawConsent(bauer, pv1::CONTACT_CHANNEL_EMAIL);
  const mv1::TargetGroup after = Build(Request(segment));
  CHECK(after.member_count() == 1);
  CHECK(Names(after) == Strings{"Adler, Alex"});
  CHECK(Exclusions(after) == "CONSENT_WITHDRAWN 1");
  for (int share : {0, 50, 90}) {
    const mv1::TargetGroup again = Build(Request(segment, mv1::CHANNEL_EMAIL, share));
    for (const auto& member : List(again.name())) CHECK(member.partner() != bauer);
  }
  // Granting again brings the partner back.
  GrantConsent(bauer, pv1::CONTACT_CHANNEL_EMAIL);
  CHECK(Names(Build(Request(segment))) == Strings{"Adler, Alex", "Bauer, Alex"});
}

TEST_CASE_METHOD(TargetGroups, "target group: the control group is held out by the seed",
                 "[marketing][target_group]") {
  for (const char* family :
       {"Adler", "Bauer", "Conrad", "Dorn", "Engel", "Fuchs", "Graf", "Heck", "Ilgner", "Jaeger"}) {
    Subscriber(family);
  }
  const std::string segment = Segment(Prospects());
  const mv1::TargetGroup group = Build(Request(segment, mv1::CHANNEL_EMAIL, 20, 4711));
  CHECK(group.seed() == 4711);
  CHECK(group.control_share_percent() == 20);
  CHECK(group.member_count() == 8);
  CHECK(group.control_count() == 2);
  const Members members = List(group.name());
  REQUIRE(members.size() == 10);
  CHECK(List(group.name(), "control = true").size() == 2);
  CHECK(List(group.name(), "control = false").size() == 8);
  for (const auto& member : List(group.name(), "control = true")) CHECK(member.control());

  // The same seed gives the same split; some other seed another.
  const mv1::TargetGroup same = Build(Request(segment, mv1::CHANNEL_EMAIL, 20, 4711));
  CHECK(same.name() != group.name());
  CHECK(ControlFlags(List(same.name())) == ControlFlags(members));
  bool differs = false;
  for (int64_t seed = 1; seed <= 8 && !differs; ++seed) {
    differs = ControlFlags(List(Build(Request(segment, mv1::CHANNEL_EMAIL, 20, seed)).name())) !=
              ControlFlags(members);
  }
  CHECK(differs);

  // Seed 0: the service chooses one and shows it; it reproduces the split.
  const mv1::TargetGroup chosen = Build(Request(segment, mv1::CHANNEL_EMAIL, 20, 0));
  CHECK(chosen.seed() != 0);
  CHECK(chosen.control_count() == 2);
  const mv1::TargetGroup replay = Build(Request(segment, mv1::CHANNEL_EMAIL, 20, chosen.seed()));
  CHECK(ControlFlags(List(replay.name())) == ControlFlags(List(chosen.name())));

  // Shares are rounded to whole members.
  const auto counts = [&](int share) {
    const mv1::TargetGroup built = Build(Request(segment, mv1::CHANNEL_EMAIL, share, 99));
    return std::make_pair(built.member_count(), built.control_count());
  };
  CHECK(counts(0) == std::make_pair(10, 0));
  CHECK(counts(4) == std::make_pair(10, 0));
  CHECK(counts(5) == std::make_pair(9, 1));
  CHECK(counts(90) == std::make_pair(1, 9));
}

TEST_CASE_METHOD(TargetGroups, "target group: bad requests are refused and nothing is written",
                 "[marketing][target_group]") {
  Subscriber("Adler");
  const std::string segment = Segment(Prospects());
  const int64_t head = HeadSequence();
  const auto outcome = [&](const mv1::BuildTargetGroupRequest& request) {
    mv1::TargetGroup out;
    return Outcome(TryBuild(request, &out));
  };
  CHECK(outcome(Request(segment, mv1::CHANNEL_EMAIL, 120)) ==
        "INVALID_ARGUMENT control_share_percent");
  CHECK(outcome(Request(segment, mv1::CHANNEL_EMAIL, 91)) ==
        "INVALID_ARGUMENT control_share_percent");
  CHECK(outcome(Request(segment, mv1::CHANNEL_EMAIL, -1)) ==
        "INVALID_ARGUMENT control_share_percent");
  CHECK(outcome(Request(segment, mv1::CHANNEL_WEB)) == "INVALID_ARGUMENT channel");
  CHECK(outcome(Request(segment, mv1::CHANNEL_UNSPECIFIED)) == "INVALID_ARGUMENT channel");
  CHECK(outcome(Request(segment, static_cast<mv1::Channel>(42))) == "INVALID_ARGUMENT channel");
  CHECK(outcome(Request("")) == "INVALID_ARGUMENT segment");
  CHECK(outcome(Request("campaigns/c1")) == "INVALID_ARGUMENT segment");
  CHECK(outcome(Request("segments/nothing")) == "NOT_FOUND");
  mv1::BuildTargetGroupRequest long_name = Request(segment);
  long_name.set_display_name(std::string(201, 'n'));
  CHECK(outcome(long_name) == "INVALID_ARGUMENT display_name");
  CHECK(outcome(Request("", mv1::CHANNEL_WEB, 120)) ==
        "INVALID_ARGUMENT segment, channel, control_share_percent");
  CHECK(GroupNames().empty());
  CHECK(DescribeChangesAfter(head).empty());
}

TEST_CASE_METHOD(TargetGroups, "target group: with partners down, UNAVAILABLE and nothing written",
                 "[marketing][target_group]") {
  Subscriber("Adler");
  const std::string segment = Segment(Prospects());
  StopPartners();
  const int64_t head = HeadSequence();
  for (const std::string request_id : {"", "build-1"}) {
    mv1::BuildTargetGroupRequest request = Request(segment);
    request.set_request_id(request_id);
    mv1::TargetGroup out;
    CHECK(Outcome(TryBuild(request, &out, 2)) == "UNAVAILABLE");
  }
  CHECK(GroupNames().empty());
  CHECK(DescribeChangesAfter(head).empty());
}

TEST_CASE_METHOD(TargetGroups,
                 "target group: a retry with the same request_id gives the same group",
                 "[marketing][target_group]") {
  Subscriber("Adler");
  const std::string segment = Segment(Prospects());
  mv1::BuildTargetGroupRequest request = Request(segment, mv1::CHANNEL_EMAIL, 50);
  request.set_request_id("build-1");
  const int64_t head = HeadSequence();
  const mv1::TargetGroup first = Build(request);
  Subscriber("Bauer");  // would change the membership of a new build
  const mv1::TargetGroup again = Build(request);
  CHECK(again.SerializeAsString() == first.SerializeAsString());
  CHECK(Names(again) == Strings{"Adler, Alex"});
  CHECK(GroupNames() == Strings{first.name()});
  CHECK(DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_CREATED ", first.name(), " BuildTargetGroup build-1")});

  request.set_channel(mv1::CHANNEL_SMS);
  mv1::TargetGroup out;
  CHECK(Outcome(TryBuild(request, &out)) == "INVALID_ARGUMENT request_id");
  CHECK(GroupNames() == Strings{first.name()});
}

TEST_CASE_METHOD(TargetGroups, "target group: members listed by display name, paged and filtered",
                 "[marketing][target_group]") {
  for (const char* family : {"Zimmer", "Berger", "Maier", "Adler", "Kunz"}) Subscriber(family);
  const mv1::TargetGroup group = Build(Request(Segment(Prospects()), mv1::CHANNEL_EMAIL, 40, 7));
  int pages = 0;
  const Members all = List(group.name(), "", 2, &pages);
  CHECK(pages == 3);
  CHECK(DisplayNames(all) ==
        Strings{"Adler, Alex", "Berger, Alex", "Kunz, Alex", "Maier, Alex", "Zimmer, Alex"});
  CHECK(List(group.name()).size() == 5);

  const Members control = List(group.name(), "control = true", 1, &pages);
  CHECK(pages == 2);
  REQUIRE(control.size() == 2);
  CHECK(control[0].display_name() < control[1].display_name());
  Strings expected;
  for (const auto& member : all) {
    if (member.control()) expected.push_back(member.display_name());
  }
  CHECK(DisplayNames(control) == expected);
  CHECK(List(group.name(), "control = false").size() == 3);

  mv1::ListTargetGroupMembersRequest request;
  mv1::ListTargetGroupMembersResponse response;
  request.set_parent("targetGroups/nothing");
  CHECK(Outcome(Call(*segments_, &SS::ListTargetGroupMembers, request, &response)) == "NOT_FOUND");
  request.set_parent("segments/x");
  CHECK(Outcome(Call(*segments_, &SS::ListTargetGroupMembers, request, &response)) ==
        "INVALID_ARGUMENT parent");
  request.set_parent(group.name());
  request.set_filter("display_name = \"Adler, Alex\"");
  CHECK(Outcome(Call(*segments_, &SS::ListTargetGroupMembers, request, &response)) ==
        "INVALID_ARGUMENT filter");
  request.set_filter("");
  request.set_page_size(-1);
  CHECK(Outcome(Call(*segments_, &SS::ListTargetGroupMembers, request, &response)) ==
        "INVALID_ARGUMENT page_size");
  // A page token is only good for the filter it was made for.
  request.set_page_size(2);
  const std::string token =
      MustCall(*segments_, &SS::ListTargetGroupMembers, request).next_page_token();
  REQUIRE(!token.empty());
  request.set_page_token(token);
  request.set_filter("control = true");
  CHECK(Outcome(Call(*segments_, &SS::ListTargetGroupMembers, request, &response)) ==
        "INVALID_ARGUMENT page_token");
}

TEST_CASE_METHOD(TargetGroups, "target group: merged partners are left out",
                 "[marketing][target_group]") {
  const std::string survivor = Subscriber("Adler");
  const std::string merged = Subscriber("Bauer");
  Subscriber("Conrad");
  pv1::MergePartnersRequest merge;
  merge.set_survivor(survivor);
  merge.add_merged_partners(merged);
  MustCall(*partner_stub_, &PartnerStub::MergePartners, merge);

  const mv1::TargetGroup group = Build(Request(Segment(Prospects())));
  CHECK(group.member_count() == 2);
  CHECK(Names(group) == Strings{"Adler, Alex", "Conrad, Alex"});
  for (const auto& member : List(group.name())) CHECK(member.partner() != merged);
  CHECK(Exclusions(group).empty());
}

TEST_CASE_METHOD(TargetGroups, "target group: keeps its criteria when the segment changes",
                 "[marketing][target_group]") {
  Subscriber("Adler");
  Subscriber("Bauer", pv1::ROLE_TYPE_CUSTOMER);
  mv1::CreateSegmentRequest create;
  create.mutable_segment()->set_display_name("Prospects");
  *create.mutable_segment()->mutable_criteria() = Prospects();
  const mv1::Segment segment = MustCall(*segments_, &SS::CreateSegment, create);
  const mv1::TargetGroup group = Build(Request(segment.name()));

  mv1::UpdateSegmentRequest update;
  *update.mutable_segment() = segment;
  update.mutable_segment()->mutable_criteria()->set_roles(0, pv1::ROLE_TYPE_CUSTOMER);
  *update.mutable_update_mask() = Mask({"criteria"});
  MustCall(*segments_, &SS::UpdateSegment, update);

  mv1::GetTargetGroupRequest get;
  get.set_name(group.name());
  const mv1::TargetGroup kept = MustCall(*segments_, &SS::GetTargetGroup, get);
  CHECK(kept.criteria().roles_size() == 1);
  CHECK(kept.criteria().roles(0) == pv1::ROLE_TYPE_PROSPECT);
  CHECK(kept.SerializeAsString() == group.SerializeAsString());
  CHECK(Names(kept) == Strings{"Adler, Alex"});
  // A new build takes the new criteria.
  CHECK(Names(Build(Request(segment.name()))) == Strings{"Bauer, Alex"});

  // Deleting the segment leaves its target groups.
  mv1::DeleteSegmentRequest remove;
  remove.set_name(segment.name());
  MustCall(*segments_, &SS::DeleteSegment, remove);
  CHECK(MustCall(*segments_, &SS::GetTargetGroup, get).segment() == segment.name());
  CHECK(Names(kept) == Strings{"Adler, Alex"});
}

TEST_CASE_METHOD(TargetGroups, "target group: listed newest first, filtered, on the change feed",
                 "[marketing][target_group]") {
  Subscriber("Adler");
  GrantConsent(Person("Bauer", pv1::ROLE_TYPE_PROSPECT), pv1::CONTACT_CHANNEL_SMS);
  const std::string prospects = Segment(Prospects(), "Prospects");
  mv1::SegmentCriteria germans;
  germans.add_country_codes("DE");
  const std::string in_germany = Segment(germans, "Germany");
  const int64_t head = HeadSequence();

  mv1::BuildTargetGroupRequest named = Request(prospects, mv1::CHANNEL_SMS);
  named.set_display_name("SMS push");
  named.set_request_id("sms-1");
  const mv1::TargetGroup sms = Build(named);
  CHECK(sms.display_name() == "SMS push");
  CHECK(Names(sms) == Strings{"Bauer, Alex"});
  const mv1::TargetGroup email = Build(Request(prospects));
  const mv1::TargetGroup german = Build(Request(in_germany));

  CHECK(GroupNames() == Strings{german.name(), email.name(), sms.name()});
  CHECK(GroupNames(absl::StrCat("segment = \"", prospects, "\"")) ==
        Strings{email.name(), sms.name()});
  CHECK(GroupNames("channel = CHANNEL_SMS") == Strings{sms.name()});
  CHECK(GroupNames(absl::StrCat("channel = CHANNEL_EMAIL AND segment = \"", in_germany, "\"")) ==
        Strings{german.name()});

  mv1::ListTargetGroupsRequest request;
  mv1::ListTargetGroupsResponse response;
  request.set_page_size(2);
  response = MustCall(*segments_, &SS::ListTargetGroups, request);
  CHECK(response.target_groups_size() == 2);
  request.set_page_token(response.next_page_token());
  response = MustCall(*segments_, &SS::ListTargetGroups, request);
  REQUIRE(response.target_groups_size() == 1);
  CHECK(response.target_groups(0).name() == sms.name());
  CHECK(response.next_page_token().empty());
  request.set_page_token("");
  request.set_filter("member_count > 1");
  CHECK(Outcome(Call(*segments_, &SS::ListTargetGroups, request, &response)) ==
        "INVALID_ARGUMENT filter");

  CHECK(DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_CREATED ", sms.name(), " BuildTargetGroup sms-1"),
                absl::StrCat("CHANGE_KIND_CREATED ", email.name(), " BuildTargetGroup "),
                absl::StrCat("CHANGE_KIND_CREATED ", german.name(), " BuildTargetGroup ")});
}

}  // namespace
}  // namespace crm::marketing::testing
