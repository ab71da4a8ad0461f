// ConvertLead over a real gRPC channel and a real SQLite file, with real
// partners and sales services beside marketing: a qualified lead becomes
// exactly one opportunity in sales (account, owner, first active stage,
// source lead and campaign, revenue and product group), a lead without an
// account gets a new prospect in partners, retries and concurrent calls
// create nothing twice, and every refusal (state, owner, close date, etag,
// no sales stage, sales down) leaves the lead as it was.
#include <google/rpc/error_details.pb.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "services/marketing/tests/marketing_fixture.h"

namespace crm::marketing::testing {
namespace {

using LS = mv1::LeadService::Stub;

Date Today() { return crm::api::UtcDate(absl::Now()); }
Date DaysAhead(int days) { return crm::api::UtcDate(absl::Now() + absl::Hours(24 * days)); }

class Conversion : public MarketingBesidePeers {
 protected:
  Conversion() {
    // Web leads are warm, so they qualify.
    mv1::CreateLeadScoringRuleRequest rule;
    rule.mutable_lead_scoring_rule()->set_display_name("Web");
    rule.mutable_lead_scoring_rule()->mutable_condition()->add_sources(mv1::LEAD_SOURCE_WEB);
    rule.mutable_lead_scoring_rule()->set_points(50);
    MustCall(*leads_, &LS::CreateLeadScoringRule, rule);
  }

  // A web lead from `family_name` (and `company`, when given) with its own
  // e-mail address and phone number, worth EUR 20,000, for chairs.
  mv1::Lead Draft(const std::string& family_name, const std::string& company = "") {
    mv1::Lead lead;
    lead.set_display_name(absl::StrCat("Chairs for ", family_name));
    lead.set_source(mv1::LEAD_SOURCE_WEB);
    lead.mutable_contact()->set_given_name("Ann");
    lead.mutable_contact()->set_family_name(family_name);
    lead.mutable_contact()->set_company_name(company);
    lead.mutable_contact()->set_email(absl::StrCat(family_name, "@lead.example"));
    lead.mutable_contact()->set_phone(absl::StrCat("+4989", 5550000 + next_lead_phone_++));
    lead.set_country_code("DE");
    lead.set_industry_code("C26.2");
    lead.set_product_group("CHAIRS");
    *lead.mutable_estimated_value() = Eur(20000);
    return lead;
  }

  mv1::Lead Create(const mv1::Lead& draft) {
    mv1::CreateLeadRequest request;
    *request.mutable_lead() = draft;
    return MustCall(*leads_, &LS::CreateLead, request);
  }
  mv1::Lead Qualify(const std::string& name) {
    mv1::QualifyLeadRequest request;
    request.set_name(name);
    return MustCall(*leads_, &LS::QualifyLead, request);
  }
  mv1::Lead Assign(const std::string& name, const std::string& assignee) {
    mv1::AssignLeadRequest request;
    request.set_name(name);
    request.set_assignee(assignee);
    return MustCall(*leads_, &LS::AssignLead, request);
  }
  // A qualified lead, assigned when `assignee` is given.
  mv1::Lead Qualified(const mv1::Lead& draft, const std::string& assignee = "") {
    const mv1::Lead lead = Qualify(Create(draft).name());
    REQUIRE(lead.state() == mv1::LEAD_STATE_QUALIFIED);
    return assignee.empty() ? lead : Assign(lead.name(), assignee);
  }
  mv1::Lead Get(const std::string& name) {
    mv1::GetLeadRequest request;
    request.set_name(name);
    return MustCall(*leads_, &LS::GetLead, request);
  }

  static mv1::ConvertLeadRequest Convert(const std::string& name, const std::string& owner = "",
                                         const std::string& request_id = "") {
    mv1::ConvertLeadRequest request;
    request.set_name(name);
    *request.mutable_close_date() = Next(6, 30);
    request.set_owner(owner);
    request.set_request_id(request_id);
    return request;
  }
  grpc::Status TryConvert(const mv1::ConvertLeadRequest& request, mv1::Lead* out,
                          int deadline_seconds = 10) {
    auto context = crm::testing::ContextWithDeadline(deadline_seconds);
    return leads_->ConvertLead(context.get(), request, out);
  }
  mv1::Lead MustConvert(const mv1::ConvertLeadRequest& request) {
    mv1::Lead out;
    const grpc::Status status = TryConvert(request, &out);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return out;
  }

  std::vector<sv1::Opportunity> Opportunities() {
    sv1::ListOpportunitiesRequest request;
    request.set_page_size(1000);
    const auto response =
        MustCall(*opportunity_stub_, &OpportunityStub::ListOpportunities, request);
    return {response.opportunities().begin(), response.opportunities().end()};
  }
  sv1::Opportunity Opportunity(const std::string& name) {
    sv1::GetOpportunityRequest request;
    request.set_name(name);
    return MustCall(*opportunity_stub_, &OpportunityStub::GetOpportunity, request);
  }
  Strings Prospects() {
    pv1::ListPartnersRequest request;
    request.set_filter("role = ROLE_TYPE_PROSPECT");
    Strings names;
    pv1::ListPartnersResponse response;
    REQUIRE(Outcome(Call(*partner_stub_, &PartnerStub::ListPartners, request, &response)) == "OK");
    for (int i = 0; i < response.partners_size(); ++i) names.push_back(response.partners(i).name());
    return names;
  }
  pv1::Partner Partner(const std::string& name) {
    pv1::GetPartnerRequest request;
    request.set_name(name);
    return MustCall(*partner_stub_, &PartnerStub::GetPartner, request);
  }
  std::string Customer(const std::string& legal_name) {
    pv1::CreatePartnerRequest request;
    request.mutable_partner()->set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
    request.mutable_partner()->mutable_organization()->set_legal_name(legal_name);
    request.mutable_partner()->add_roles()->set_type(pv1::ROLE_TYPE_CUSTOMER);
    return MustCall(*partner_stub_, &PartnerStub::CreatePartner, request).name();
  }
  std::string Campaign() {
    mv1::CreateCampaignRequest request;
    request.mutable_campaign()->set_display_name("Spring chairs");
    *request.mutable_campaign()->mutable_start_date() = Next(3, 1);
    *request.mutable_campaign()->mutable_end_date() = Next(4, 30);
    request.mutable_campaign()->set_currency_code("EUR");
    return MustCall(*campaigns_, &CampaignStub::CreateCampaign, request).name();
  }
  // A retired stage before `SalesStage()`'s.
  void RetiredStage() {
    sv1::CreateSalesStageRequest create;
    create.set_sales_stage_id("lead-in");
    create.mutable_sales_stage()->set_display_name("Lead-in");
    create.mutable_sales_stage()->set_position(5);
    create.mutable_sales_stage()->set_default_probability_percent(5);
    sv1::UpdateSalesStageRequest retire;
    *retire.mutable_sales_stage() =
        MustCall(*opportunity_stub_, &OpportunityStub::CreateSalesStage, create);
    retire.mutable_sales_stage()->set_retired(true);
    *retire.mutable_update_mask() = Mask({"retired"});
    MustCall(*opportunity_stub_, &OpportunityStub::UpdateSalesStage, retire);
  }

  int next_lead_phone_ = 0;
};

TEST_CASE_METHOD(Conversion, "conversion: a qualified lead with an account becomes one opportunity",
                 "[marketing][conversion]") {
  const std::string seller = Employee("Seller");
  const std::string account = Customer("Muster Möbel GmbH");
  const std::string campaign = Campaign();
  RetiredStage();
  const std::string stage = SalesStage();
  mv1::Lead draft = Draft("Adler");
  draft.set_account(account);
  draft.set_campaign(campaign);
  const mv1::Lead lead = Qualified(draft, seller);
  const int64_t head = HeadSequence();

  const mv1::Lead converted = MustConvert(Convert(lead.name(), "", "convert-1"));
  CHECK(converted.state() == mv1::LEAD_STATE_CONVERTED);
  CHECK(converted.account() == account);
  CHECK(converted.assignee() == seller);
  CHECK(converted.etag() != lead.etag());
  CHECK(Get(lead.name()).SerializeAsString() == converted.SerializeAsString());
  CHECK(DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_UPDATED ", lead.name(), " ConvertLead convert-1")});

  const std::vector<sv1::Opportunity> opportunities = Opportunities();
  REQUIRE(opportunities.size() == 1);
  CHECK(opportunities[0].name() == converted.opportunity());
  const sv1::Opportunity opportunity = Opportunity(converted.opportunity());
  CHECK(opportunity.display_name() == "Chairs for Adler");
  CHECK(opportunity.account() == account);
  CHECK(opportunity.owner() == seller);
  CHECK(opportunity.stage() == stage);
  CHECK(opportunity.source_lead() == lead.name());
  CHECK(opportunity.source_campaign() == campaign);
  CHECK(opportunity.expected_revenue().SerializeAsString() == Eur(20000).SerializeAsString());
  CHECK(opportunity.product_group() == "CHAIRS");
  CHECK(crm::api::IsoDate(opportunity.close_date()) == crm::api::IsoDate(Next(6, 30)));
  CHECK(Prospects().empty());

  // Owner, revenue and name as given; today is not in the past.
  const std::string boss = Employee("Boss");
  mv1::Lead second = Draft("Bauer");
  second.set_account(account);
  second.clear_campaign();
  mv1::ConvertLeadRequest request = Convert(Qualified(second, seller).name(), boss);
  *request.mutable_expected_revenue() = Eur(5000, 500000000);
  request.set_display_name("Chairs, second site");
  *request.mutable_close_date() = Today();
  const sv1::Opportunity given = Opportunity(MustConvert(request).opportunity());
  CHECK(given.owner() == boss);
  CHECK(given.display_name() == "Chairs, second site");
  CHECK(given.expected_revenue().SerializeAsString() == Eur(5000, 500000000).SerializeAsString());
  CHECK(given.source_campaign().empty());
  CHECK(Opportunities().size() == 2);
}

TEST_CASE_METHOD(Conversion, "conversion: without an account a prospect is created from the lead",
                 "[marketing][conversion]") {
  const std::string seller = Employee("Seller");
  SalesStage();
  const mv1::Lead company_lead = Qualified(Draft("Adler", "Adler Büromöbel GmbH"), seller);
  const mv1::Lead person_lead = Qualified(Draft("Bauer"), seller);

  const mv1::Lead from_company = MustConvert(Convert(company_lead.name()));
  REQUIRE(!from_company.account().empty());
  const pv1::Partner organisation = Partner(from_company.account());
  CHECK(organisation.category() == pv1::PARTNER_CATEGORY_ORGANIZATION);
  CHECK(organisation.organization().legal_name() == "Adler Büromöbel GmbH");
  CHECK(organisation.organization().industry_code() == "C26.2");
  REQUIRE(organisation.email_addresses_size() == 1);
  CHECK(organisation.email_addresses(0).address() == "Adler@lead.example");
  REQUIRE(organisation.phone_numbers_size() == 1);
  CHECK(organisation.phone_numbers(0).number() == company_lead.contact().phone());
  REQUIRE(organisation.roles_size() == 1);
  CHECK(organisation.roles(0).type() == pv1::ROLE_TYPE_PROSPECT);
  CHECK(Opportunity(from_company.opportunity()).account() == from_company.account());

  const mv1::Lead from_person = MustConvert(Convert(person_lead.name()));
  const pv1::Partner person = Partner(from_person.account());
  CHECK(person.category() == pv1::PARTNER_CATEGORY_PERSON);
  CHECK(person.person().given_name() == "Ann");
  CHECK(person.person().family_name() == "Bauer");
  CHECK(person.email_addresses(0).address() == "Bauer@lead.example");
  CHECK(person.roles(0).type() == pv1::ROLE_TYPE_PROSPECT);
  CHECK(Opportunity(from_person.opportunity()).account() == from_person.account());

  Strings prospects = Prospects();
  std::sort(prospects.begin(), prospects.end());
  Strings expected{from_company.account(), from_person.account()};
  std::sort(expected.begin(), expected.end());
  CHECK(prospects == expected);
  CHECK(Opportunities().size() == 2);
}

TEST_CASE_METHOD(Conversion, "conversion: converted exactly once when retried",
                 "[marketing][conversion]") {
  const std::string seller = Employee("Seller");
  SalesStage();
  const mv1::Lead lead = Qualified(Draft("Adler"), seller);
  const mv1::Lead first = MustConvert(Convert(lead.name(), "", "convert-1"));
  const mv1::Lead again = MustConvert(Convert(lead.name(), "", "convert-1"));
  CHECK(again.SerializeAsString() == first.SerializeAsString());
  REQUIRE(Opportunities().size() == 1);
  CHECK(Prospects() == Strings{first.account()});

  mv1::Lead out;
  grpc::Status status = TryConvert(Convert(lead.name()), &out);
  CHECK(Outcome(status) == "FAILED_PRECONDITION");
  CHECK(Precondition(status) == absl::StrCat("ALREADY_CONVERTED ", lead.name()));
  status = TryConvert(Convert(lead.name(), "", "convert-2"), &out);
  CHECK(Precondition(status) == absl::StrCat("ALREADY_CONVERTED ", lead.name()));
  CHECK(Opportunities().size() == 1);
  CHECK(Prospects().size() == 1);

  // A converted lead no longer changes.
  const std::string gone = absl::StrCat("LEAD_STATE ", lead.name());
  mv1::UpdateLeadRequest update;
  *update.mutable_lead() = first;
  update.mutable_lead()->set_notes("late");
  *update.mutable_update_mask() = Mask({"notes"});
  status = Call(*leads_, &LS::UpdateLead, update, &out);
  CHECK(Outcome(status) == "FAILED_PRECONDITION");
  CHECK(Precondition(status) == gone);
  mv1::QualifyLeadRequest qualify;
  qualify.set_name(lead.name());
  CHECK(Precondition(Call(*leads_, &LS::QualifyLead, qualify, &out)) == gone);
  mv1::AssignLeadRequest assign;
  assign.set_name(lead.name());
  assign.set_assignee(seller);
  CHECK(Precondition(Call(*leads_, &LS::AssignLead, assign, &out)) == gone);
  mv1::DisqualifyLeadRequest disqualify;
  disqualify.set_name(lead.name());
  disqualify.set_reason("changed their mind");
  CHECK(Precondition(Call(*leads_, &LS::DisqualifyLead, disqualify, &out)) == gone);
  CHECK(Get(lead.name()).SerializeAsString() == first.SerializeAsString());

  // Its e-mail address stays taken.
  mv1::CreateLeadRequest create;
  *create.mutable_lead() = Draft("Adler");
  status = Call(*leads_, &LS::CreateLead, create, &out);
  CHECK(Outcome(status) == "ALREADY_EXISTS");
  CHECK(DetailOf<google::rpc::ResourceInfo>(status).resource_name() == lead.name());
}

TEST_CASE_METHOD(Conversion, "conversion: two concurrent conversions make one opportunity",
                 "[marketing][conversion]") {
  const std::string seller = Employee("Seller");
  SalesStage();
  Strings leads;
  for (const char* family : {"Adler", "Bauer", "Conrad"}) {
    leads.push_back(Qualified(Draft(family), seller).name());
  }
  for (const std::string& name : leads) {
    INFO(name);
    grpc::Status statuses[2];
    mv1::Lead results[2];
    std::thread racers[2];
    for (int i = 0; i < 2; ++i) {
      racers[i] = std::thread([&, i] {
        auto context = crm::testing::ContextWithDeadline(20);
        statuses[i] = leads_->ConvertLead(context.get(), Convert(name), &results[i]);
      });
    }
    for (std::thread& racer : racers) racer.join();
    int converted = 0;
    for (int i = 0; i < 2; ++i) {
      INFO(statuses[i].error_message());
      if (statuses[i].ok()) {
        ++converted;
        CHECK(results[i].state() == mv1::LEAD_STATE_CONVERTED);
      } else {
        CHECK(Precondition(statuses[i]) == absl::StrCat("ALREADY_CONVERTED ", name));
      }
    }
    CHECK(converted >= 1);
    const mv1::Lead lead = Get(name);
    CHECK(lead.state() == mv1::LEAD_STATE_CONVERTED);
    sv1::ListOpportunitiesRequest request;
    request.set_filter(absl::StrCat("account = \"", lead.account(), "\""));
    const auto mine = MustCall(*opportunity_stub_, &OpportunityStub::ListOpportunities, request);
    REQUIRE(mine.opportunities_size() == 1);
    CHECK(mine.opportunities(0).name() == lead.opportunity());
    CHECK(mine.opportunities(0).source_lead() == name);
  }
  CHECK(Opportunities().size() == 3);
  CHECK(Prospects().size() == 3);
}

TEST_CASE_METHOD(Conversion, "conversion: refused unless qualified, owned and dated",
                 "[marketing][conversion]") {
  const std::string seller = Employee("Seller");
  const std::string reseller = ChannelPartner("Northwind Trading");
  const std::string customer = Customer("Kunde AG");
  SalesStage();
  mv1::Lead cold_draft = Draft("Kalt");
  cold_draft.set_source(mv1::LEAD_SOURCE_PHONE);  // no points
  const mv1::Lead cold = Qualify(Create(cold_draft).name());
  REQUIRE(cold.state() == mv1::LEAD_STATE_OPEN);
  const mv1::Lead unowned = Qualified(Draft("Adler"));
  const mv1::Lead resold = Qualified(Draft("Bauer"), reseller);
  const mv1::Lead unassigned = Qualified(Draft("Conrad"));
  const mv1::Lead lead = Assign(unassigned.name(), seller);
  const int64_t head = HeadSequence();

  const auto outcome = [&](const mv1::ConvertLeadRequest& request) {
    mv1::Lead out;
    const grpc::Status status = TryConvert(request, &out);
    const std::string precondition = Precondition(status);
    return precondition.empty() ? Outcome(status)
                                : absl::StrCat(Outcome(status), " ", precondition);
  };
  CHECK(outcome(Convert(cold.name(), seller)) ==
        absl::StrCat("FAILED_PRECONDITION LEAD_STATE ", cold.name()));
  CHECK(outcome(Convert(unowned.name())) == "INVALID_ARGUMENT owner");
  CHECK(outcome(Convert(resold.name())) == "FAILED_PRECONDITION NOT_EMPLOYEE owner");
  CHECK(outcome(Convert(lead.name(), customer)) == "FAILED_PRECONDITION NOT_EMPLOYEE owner");
  CHECK(outcome(Convert(lead.name(), "partners/nothing")) == "NOT_FOUND");
  CHECK(outcome(Convert(lead.name(), "employees/e1")) == "INVALID_ARGUMENT owner");
  CHECK(outcome(Convert("leads/nothing", seller)) == "NOT_FOUND");
  CHECK(outcome(Convert("opportunities/o1", seller)) == "INVALID_ARGUMENT name");

  mv1::ConvertLeadRequest request = Convert(lead.name());
  *request.mutable_close_date() = DaysAhead(-1);
  CHECK(outcome(request) == "INVALID_ARGUMENT close_date");
  request.clear_close_date();
  CHECK(outcome(request) == "INVALID_ARGUMENT close_date");
  *request.mutable_close_date() = MakeDate(kYear, 2, 30);
  CHECK(outcome(request) == "INVALID_ARGUMENT close_date");
  request = Convert(lead.name());
  *request.mutable_expected_revenue() = Eur(-5);
  request.set_display_name(std::string(201, 'd'));
  CHECK(outcome(request) == "INVALID_ARGUMENT expected_revenue, display_name");
  request = Convert(lead.name());
  request.set_etag(unassigned.etag());  // read before the assignment
  CHECK(outcome(request) == "ABORTED");

  // Nothing was written anywhere.
  CHECK(Opportunities().empty());
  CHECK(Prospects().empty());
  CHECK(DescribeChangesAfter(head).empty());
  CHECK(Get(lead.name()).state() == mv1::LEAD_STATE_QUALIFIED);

  // With the current etag and a named owner it converts; disqualified
  // leads do not.
  request.set_etag(lead.etag());
  CHECK(outcome(request) == "OK");
  mv1::DisqualifyLeadRequest disqualify;
  disqualify.set_name(unowned.name());
  disqualify.set_reason("duplicate");
  MustCall(*leads_, &LS::DisqualifyLead, disqualify);
  CHECK(outcome(Convert(unowned.name(), seller)) ==
        absl::StrCat("FAILED_PRECONDITION LEAD_STATE ", unowned.name()));
  CHECK(Opportunities().size() == 1);
}

TEST_CASE_METHOD(Conversion, "conversion: without an active sales stage, NO_SALES_STAGE",
                 "[marketing][conversion]") {
  const std::string seller = Employee("Seller");
  const std::string account = Customer("Muster AG");
  mv1::Lead draft = Draft("Adler");
  draft.set_account(account);
  const mv1::Lead lead = Qualified(draft, seller);

  mv1::Lead out;
  grpc::Status status = TryConvert(Convert(lead.name()), &out);
  CHECK(Outcome(status) == "FAILED_PRECONDITION");
  CHECK(Precondition(status) == "NO_SALES_STAGE salesStages");
  RetiredStage();
  status = TryConvert(Convert(lead.name()), &out);
  CHECK(Precondition(status) == "NO_SALES_STAGE salesStages");
  CHECK(Get(lead.name()).SerializeAsString() == lead.SerializeAsString());
  CHECK(Opportunities().empty());

  SalesStage();
  CHECK(MustConvert(Convert(lead.name())).state() == mv1::LEAD_STATE_CONVERTED);
}

TEST_CASE_METHOD(Conversion, "conversion: with sales down, UNAVAILABLE and the lead unchanged",
                 "[marketing][conversion]") {
  const std::string seller = Employee("Seller");
  SalesStage();
  const mv1::Lead lead = Qualified(Draft("Adler"), seller);
  StopSales();
  const int64_t head = HeadSequence();

  mv1::Lead out;
  CHECK(Outcome(TryConvert(Convert(lead.name(), "", "convert-1"), &out, 3)) == "UNAVAILABLE");
  CHECK(Outcome(TryConvert(Convert(lead.name()), &out, 3)) == "UNAVAILABLE");
  const mv1::Lead after = Get(lead.name());
  CHECK(after.SerializeAsString() == lead.SerializeAsString());
  CHECK(after.state() == mv1::LEAD_STATE_QUALIFIED);
  CHECK(after.opportunity().empty());
  CHECK(after.account().empty());
  CHECK(DescribeChangesAfter(head).empty());
  // The prospect made on the way is made once, however often it is tried.
  CHECK(Prospects().size() == 1);
}

TEST_CASE_METHOD(Conversion, "a lead's industry code takes partners' form, so it converts",
                 "[marketing][conversion]") {
  // A lead becomes a prospect in partners on conversion: its industry code
  // is checked in partners' form when captured, not refused half-way.
  const std::string seller = Employee("Seller");
  SalesStage();
  mv1::CreateLeadRequest refused;
  *refused.mutable_lead() = Draft("Adler", "Adler Büromöbel GmbH");
  refused.mutable_lead()->set_industry_code("C_26");
  mv1::Lead out;
  CHECK(Outcome(Call(*leads_, &LeadStub::CreateLead, refused, &out)) ==
        "INVALID_ARGUMENT lead.industry_code");

  mv1::Lead draft = Draft("Adler", "Adler Büromöbel GmbH");
  draft.set_industry_code("C26.1");
  const mv1::Lead lead = Qualified(draft, seller);
  const grpc::Status status = TryConvert(Convert(lead.name()), &out);
  INFO(status.error_message());
  CHECK(Outcome(status) == "OK");
  CHECK(Get(lead.name()).state() == mv1::LEAD_STATE_CONVERTED);
  CHECK(Opportunities().size() == 1);
}

TEST_CASE_METHOD(Conversion, "a lead without an estimated value converts with a revenue given",
                 "[marketing][conversion]") {
  const std::string seller = Employee("Seller");
  SalesStage();
  mv1::Lead draft = Draft("Vogt", "Vogt KG");
  draft.clear_estimated_value();
  const mv1::Lead lead = Qualified(draft, seller);
  mv1::Lead out;
  CHECK(Outcome(TryConvert(Convert(lead.name()), &out)) == "INVALID_ARGUMENT expected_revenue");
  CHECK(Get(lead.name()).state() == mv1::LEAD_STATE_QUALIFIED);
  CHECK(Prospects().empty());

  mv1::ConvertLeadRequest request = Convert(lead.name());
  *request.mutable_expected_revenue() = Eur(7500);
  CHECK(Outcome(TryConvert(request, &out)) == "OK");
  REQUIRE(Opportunities().size() == 1);
  CHECK(Opportunities()[0].expected_revenue().units() == 7500);
}

}  // namespace
}  // namespace crm::marketing::testing
