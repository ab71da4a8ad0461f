// ExecutionService over a real channel and file, with real partners and
// sales beside it: a running campaign's wave released into contacts with
// their messages filled, consent checked again at release (a partner who
// withdrew consent since the target group was built is never contacted),
// responses recorded, and the campaign's performance read back, with what
// sales made of it and the effect against the control group.
#include "absl/strings/match.h"
#include "common/api/resource.h"
#include "crm/marketing/v1/execution_service.grpc.pb.h"
#include "crm/sales/v1/catalog_service.grpc.pb.h"
#include "crm/sales/v1/sales_document_service.grpc.pb.h"
#include "services/marketing/tests/marketing_fixture.h"

namespace crm::marketing::testing {
namespace {

using ExecutionStub = mv1::ExecutionService::Stub;
using CatalogStub = sv1::CatalogService::Stub;
using DocumentStub = sv1::SalesDocumentService::Stub;

class ExecutionFixture : public MarketingBesidePeers {
 public:
  ExecutionFixture()
      : execution_(mv1::ExecutionService::NewStub(marketing_->channel())),
        catalog_(sv1::CatalogService::NewStub(sales_->channel())),
        documents_(sv1::SalesDocumentService::NewStub(sales_->channel())) {}

  // Ten Bavarian customers with e-mail consent; returns their names.
  Strings Customers(int count) {
    Strings names;
    for (int i = 0; i < count; ++i) {
      names.push_back(Person(absl::StrCat("Kunde", i), pv1::ROLE_TYPE_CUSTOMER));
      GrantConsent(names.back(), pv1::CONTACT_CHANNEL_EMAIL);
    }
    return names;
  }

  mv1::TargetGroup BuildGroup(int control_share_percent) {
    mv1::CreateSegmentRequest segment;
    segment.mutable_segment()->set_display_name("Bavarian customers");
    segment.mutable_segment()->mutable_criteria()->add_roles(pv1::ROLE_TYPE_CUSTOMER);
    segment.mutable_segment()->mutable_criteria()->add_regions("BY");
    const mv1::Segment created = MustCall(*segments_, &SegmentStub::CreateSegment, segment);
    mv1::BuildTargetGroupRequest build;
    build.set_segment(created.name());
    build.set_channel(mv1::CHANNEL_EMAIL);
    build.set_control_share_percent(control_share_percent);
    build.set_seed(7);
    return MustCall(*segments_, &SegmentStub::BuildTargetGroup, build);
  }

  // A running campaign with one e-mail wave to `group`, from today on.
  mv1::Campaign RunningCampaign(const std::string& group) {
    const Date today = crm::api::UtcDate(absl::Now());
    const Date later = crm::api::DateOf(crm::api::CivilDayOf(today) + 30);
    mv1::CreateCampaignRequest create;
    mv1::Campaign& campaign = *create.mutable_campaign();
    campaign.set_display_name("Autumn offer");
    *campaign.mutable_start_date() = today;
    *campaign.mutable_end_date() = later;
    campaign.set_currency_code("EUR");
    mv1::Wave& wave = *campaign.add_waves();
    wave.set_wave_id("mailing");
    wave.set_display_name("First mailing");
    wave.set_channel(mv1::CHANNEL_EMAIL);
    *wave.mutable_start_date() = today;
    *wave.mutable_end_date() = later;
    wave.set_target_group(group);
    wave.mutable_message_template()->set_subject("{{campaign}} for {{family_name}}");
    wave.mutable_message_template()->set_body("Dear {{given_name}} {{family_name}} in {{city}}");
    const mv1::Campaign created = MustCall(*campaigns_, &CampaignStub::CreateCampaign, create);
    mv1::ReleaseCampaignRequest release;
    release.set_name(created.name());
    MustCall(*campaigns_, &CampaignStub::ReleaseCampaign, release);
    mv1::StartCampaignRequest start;
    start.set_name(created.name());
    return MustCall(*campaigns_, &CampaignStub::StartCampaign, start);
  }

  mv1::WaveRelease Release(const std::string& campaign, const std::string& wave_id = "mailing") {
    mv1::ReleaseWaveRequest request;
    request.set_campaign(campaign);
    request.set_wave_id(wave_id);
    return MustCall(*execution_, &ExecutionStub::ReleaseWave, request);
  }

  std::vector<mv1::Contact> ContactsOf(const std::string& campaign) {
    mv1::ListContactsRequest request;
    request.set_filter(absl::StrCat("campaign = \"", campaign, "\""));
    request.set_page_size(1000);
    const auto listed = MustCall(*execution_, &ExecutionStub::ListContacts, request);
    return {listed.contacts().begin(), listed.contacts().end()};
  }

  // A completed order of 2 x 100.00 EUR net for `customer`.
  void CompletedOrder(const std::string& customer, const std::string& campaign) {
    if (!catalog_ready_) {
      sv1::CreateTaxClassRequest tax;
      tax.set_tax_class_id("standard");
      tax.mutable_tax_class()->set_display_name("Standard");
      tax.mutable_tax_class()->set_rate_percent(19);
      MustCall(*catalog_, &CatalogStub::CreateTaxClass, tax);
      sv1::CreateProductRequest product;
      product.set_product_id("chair");
      product.mutable_product()->set_display_name("Chair");
      product.mutable_product()->set_product_group("FURNITURE");
      product.mutable_product()->set_unit("EA");
      *product.mutable_product()->mutable_list_price() = Eur(100);
      product.mutable_product()->set_tax_class("taxClasses/standard");
      MustCall(*catalog_, &CatalogStub::CreateProduct, product);
      catalog_ready_ = true;
    }
    sv1::CreateSalesOrderRequest create;
    create.mutable_sales_order()->set_customer(customer);
    create.mutable_sales_order()->set_campaign(campaign);
    create.mutable_sales_order()->set_currency_code("EUR");
    sv1::DocumentItem& item = *create.mutable_sales_order()->add_items();
    item.set_product("products/chair");
    item.set_quantity(2);
    const sv1::SalesOrder order = MustCall(*documents_, &DocumentStub::CreateSalesOrder, create);
    sv1::CompleteSalesOrderRequest complete;
    complete.set_name(order.name());
    MustCall(*documents_, &DocumentStub::CompleteSalesOrder, complete);
  }

 protected:
  std::unique_ptr<ExecutionStub> execution_;
  std::unique_ptr<CatalogStub> catalog_;
  std::unique_ptr<DocumentStub> documents_;
  bool catalog_ready_ = false;
};

TEST_CASE_METHOD(ExecutionFixture,
                 "releasing a wave contacts each target member once, never the control group") {
  Customers(10);
  const mv1::TargetGroup group = BuildGroup(20);
  REQUIRE(group.member_count() == 8);
  REQUIRE(group.control_count() == 2);
  const mv1::Campaign campaign = RunningCampaign(group.name());

  const mv1::WaveRelease released = Release(campaign.name());
  CHECK(released.contact_count() == 8);
  CHECK(released.exclusions().empty());
  REQUIRE(released.campaign().waves_size() == 1);
  CHECK(released.campaign().waves(0).has_release_time());

  mv1::ListTargetGroupMembersRequest held_out;
  held_out.set_parent(group.name());
  held_out.set_filter("control = true");
  const auto control = MustCall(*segments_, &SegmentStub::ListTargetGroupMembers, held_out);
  const std::vector<mv1::Contact> contacts = ContactsOf(campaign.name());
  REQUIRE(contacts.size() == 8);
  for (const mv1::Contact& contact : contacts) {
    for (const mv1::TargetGroupMember& member : control.members()) {
      CHECK(contact.partner() != member.partner());
    }
    CHECK(contact.channel() == mv1::CHANNEL_EMAIL);
    CHECK(contact.address() ==
          absl::StrCat(contact.display_name().substr(0, contact.display_name().find(',')),
                       "@example.com"));
    CHECK(contact.subject() ==
          absl::StrCat("Autumn offer for ",
                       contact.display_name().substr(0, contact.display_name().find(','))));
    CHECK(absl::StartsWith(contact.message(), "Dear Alex Kunde"));
    CHECK(absl::EndsWith(contact.message(), " in München"));
  }

  // Again: the same contacts, no second one for anybody.
  const mv1::WaveRelease again = Release(campaign.name());
  CHECK(again.contact_count() == 8);
  CHECK(ContactsOf(campaign.name()).size() == 8);
}

TEST_CASE_METHOD(ExecutionFixture,
                 "a partner who withdrew consent after the build is never contacted") {
  const Strings customers = Customers(5);
  const mv1::TargetGroup group = BuildGroup(0);
  REQUIRE(group.member_count() == 5);
  const mv1::Campaign campaign = RunningCampaign(group.name());

  WithdrawConsent(customers[2], pv1::CONTACT_CHANNEL_EMAIL);
  const mv1::WaveRelease released = Release(campaign.name());
  CHECK(released.contact_count() == 4);
  REQUIRE(released.exclusions_size() == 1);
  CHECK(released.exclusions(0).reason() == pv1::CONTACT_DECISION_REASON_CONSENT_WITHDRAWN);
  CHECK(released.exclusions(0).count() == 1);
  for (const mv1::Contact& contact : ContactsOf(campaign.name())) {
    CHECK(contact.partner() != customers[2]);
  }
}

TEST_CASE_METHOD(ExecutionFixture, "a wave is released only from a running campaign") {
  Customers(2);
  const mv1::TargetGroup group = BuildGroup(0);
  const mv1::Campaign campaign = RunningCampaign(group.name());
  mv1::PauseCampaignRequest pause;
  pause.set_name(campaign.name());
  MustCall(*campaigns_, &CampaignStub::PauseCampaign, pause);

  mv1::ReleaseWaveRequest request;
  request.set_campaign(campaign.name());
  request.set_wave_id("mailing");
  mv1::WaveRelease out;
  CHECK(Precondition(Call(*execution_, &ExecutionStub::ReleaseWave, request, &out)) ==
        "CAMPAIGN_STATE " + campaign.name());
  CHECK(ContactsOf(campaign.name()).empty());

  request.set_wave_id("nope");
  CHECK(Outcome(Call(*execution_, &ExecutionStub::ReleaseWave, request, &out)) == "NOT_FOUND");
  request.set_wave_id("");
  CHECK(Outcome(Call(*execution_, &ExecutionStub::ReleaseWave, request, &out)) ==
        "INVALID_ARGUMENT wave_id");
  request.set_campaign("campaigns/unknown");
  request.set_wave_id("mailing");
  CHECK(Outcome(Call(*execution_, &ExecutionStub::ReleaseWave, request, &out)) == "NOT_FOUND");
}

TEST_CASE_METHOD(ExecutionFixture, "a release with partners down writes no contact") {
  Customers(3);
  const mv1::TargetGroup group = BuildGroup(0);
  const mv1::Campaign campaign = RunningCampaign(group.name());
  StopPartners();
  mv1::ReleaseWaveRequest request;
  request.set_campaign(campaign.name());
  request.set_wave_id("mailing");
  mv1::WaveRelease out;
  CHECK(Outcome(Call(*execution_, &ExecutionStub::ReleaseWave, request, &out)) == "UNAVAILABLE");
  CHECK(ContactsOf(campaign.name()).empty());
  mv1::GetCampaignRequest get;
  get.set_name(campaign.name());
  CHECK(!MustCall(*campaigns_, &CampaignStub::GetCampaign, get).waves(0).has_release_time());
}

TEST_CASE_METHOD(ExecutionFixture, "responses are recorded against contacts and checked") {
  Customers(2);
  const mv1::Campaign campaign = RunningCampaign(BuildGroup(0).name());
  Release(campaign.name());
  const std::vector<mv1::Contact> contacts = ContactsOf(campaign.name());
  REQUIRE(contacts.size() == 2);

  mv1::RecordResponseRequest record;
  record.mutable_response()->set_contact(contacts[0].name());
  record.mutable_response()->set_type(mv1::RESPONSE_TYPE_OPENED);
  record.set_request_id("open-1");
  const mv1::Response opened = MustCall(*execution_, &ExecutionStub::RecordResponse, record);
  CHECK(opened.campaign() == campaign.name());
  CHECK(opened.wave_id() == "mailing");
  CHECK(opened.partner() == contacts[0].partner());
  CHECK(opened.has_response_time());
  // A retry records nothing new.
  CHECK(MustCall(*execution_, &ExecutionStub::RecordResponse, record).name() == opened.name());
  mv1::GetContactRequest get;
  get.set_name(contacts[0].name());
  CHECK(MustCall(*execution_, &ExecutionStub::GetContact, get).response_count() == 1);

  mv1::Response out;
  mv1::RecordResponseRequest bad;
  bad.mutable_response()->set_contact(contacts[0].name());
  CHECK(Outcome(Call(*execution_, &ExecutionStub::RecordResponse, bad, &out)) ==
        "INVALID_ARGUMENT response.type");
  bad.mutable_response()->set_type(mv1::RESPONSE_TYPE_REPLIED);
  *bad.mutable_response()->mutable_response_time() =
      crm::api::MicrosToTimestamp(crm::api::TimeToMicros(absl::Now() + absl::Hours(2)));
  CHECK(Outcome(Call(*execution_, &ExecutionStub::RecordResponse, bad, &out)) ==
        "INVALID_ARGUMENT response.response_time");
  bad.mutable_response()->clear_response_time();
  bad.mutable_response()->set_contact("contacts/unknown");
  CHECK(Outcome(Call(*execution_, &ExecutionStub::RecordResponse, bad, &out)) == "NOT_FOUND");

  mv1::ListResponsesRequest list;
  list.set_filter(absl::StrCat("campaign = \"", campaign.name(), "\""));
  CHECK(MustCall(*execution_, &ExecutionStub::ListResponses, list).responses_size() == 1);
}

TEST_CASE_METHOD(ExecutionFixture,
                 "campaign performance: response rate, sales made of it, uplift and return") {
  const Strings customers = Customers(10);
  const mv1::TargetGroup group = BuildGroup(20);
  const mv1::Campaign campaign = RunningCampaign(group.name());
  Release(campaign.name());
  const std::vector<mv1::Contact> contacts = ContactsOf(campaign.name());
  REQUIRE(contacts.size() == 8);

  // Responses: two responders and one not reached.
  for (auto [index, type] :
       std::vector<std::pair<int, mv1::ResponseType>>{{0, mv1::RESPONSE_TYPE_OPENED},
                                                      {0, mv1::RESPONSE_TYPE_BOUGHT},
                                                      {1, mv1::RESPONSE_TYPE_REPLIED},
                                                      {2, mv1::RESPONSE_TYPE_CALL_NOT_REACHED}}) {
    mv1::RecordResponseRequest record;
    record.mutable_response()->set_contact(contacts[index].name());
    record.mutable_response()->set_type(type);
    MustCall(*execution_, &ExecutionStub::RecordResponse, record);
  }

  // Sales: two orders by contacted customers (one naming the campaign), one
  // by a control member.
  mv1::ListTargetGroupMembersRequest held_out;
  held_out.set_parent(group.name());
  held_out.set_filter("control = true");
  const auto control = MustCall(*segments_, &SegmentStub::ListTargetGroupMembers, held_out);
  REQUIRE(control.members_size() == 2);
  CompletedOrder(contacts[0].partner(), campaign.name());
  CompletedOrder(contacts[1].partner(), "");
  CompletedOrder(control.members(0).partner(), "");

  // Cost: 100.00 EUR.
  mv1::CreateCostItemRequest cost;
  cost.mutable_cost_item()->set_campaign(campaign.name());
  cost.mutable_cost_item()->set_description("Printing");
  *cost.mutable_cost_item()->mutable_amount() = Eur(100);
  *cost.mutable_cost_item()->mutable_incurred_date() = crm::api::UtcDate(absl::Now());
  MustCall(*plans_, &PlanStub::CreateCostItem, cost);

  mv1::GetCampaignPerformanceRequest request;
  request.set_campaign(campaign.name());
  const mv1::CampaignPerformance performance =
      MustCall(*execution_, &ExecutionStub::GetCampaignPerformance, request);
  CHECK(performance.contact_count() == 8);
  CHECK(performance.responder_count() == 2);
  CHECK(performance.response_rate_percent() == Approx(25.0));
  REQUIRE(performance.responses_by_type_size() == 4);
  CHECK(performance.order_count() == 1);
  CHECK(performance.order_revenue().units() == 200);
  CHECK(performance.target_member_count() == 8);
  CHECK(performance.target_buyer_count() == 2);
  CHECK(performance.control_member_count() == 2);
  CHECK(performance.control_buyer_count() == 1);
  CHECK(performance.uplift_points() == Approx(25.0 - 50.0));
  CHECK(performance.actual_cost().units() == 100);
  CHECK(performance.return_on_cost_percent() == Approx(100.0));

  StopSales();
  mv1::CampaignPerformance out;
  CHECK(Outcome(Call(*execution_, &ExecutionStub::GetCampaignPerformance, request, &out)) ==
        "UNAVAILABLE");
}

}  // namespace
}  // namespace crm::marketing::testing
