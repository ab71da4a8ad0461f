// MergePartners over a real gRPC channel and a real SQLite file, what moves
// to the survivor: relationships, or those it cannot hold dropped with a
// reason (itself, a repeat, a cycle or a second parent in the hierarchy, a
// relationship between two merged partners); consent history, deciding for
// the survivor; and every changed record on the change feed and in the audit
// trails.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "services/partners/tests/merge_suite.h"

namespace crm::partners::testing::merge_testing {
namespace {

constexpr auto kSubsidiary = pv1::RELATIONSHIP_TYPE_IS_SUBSIDIARY_OF;
constexpr auto kShareholder = pv1::RELATIONSHIP_TYPE_IS_SHAREHOLDER_OF;
constexpr auto kMarried = pv1::RELATIONSHIP_TYPE_IS_MARRIED_TO;

// The reasons MoveRelationships gives for a relationship it drops.
constexpr char kWithItself[] = "would relate the survivor to itself";
constexpr char kRepeat[] = "repeats a relationship the survivor has in that period";
constexpr char kCycle[] = "would make a cycle in the organisation hierarchy";
constexpr char kSecondParent[] =
    "the subsidiary would have a second parent organisation in that period";

// The relationship with the merged partner's name replaced by the survivor's.
pv1::Relationship Repointed(pv1::Relationship relationship, const std::string& from,
                            const std::string& to) {
  if (relationship.partner() == from) relationship.set_partner(to);
  if (relationship.related_partner() == from) relationship.set_related_partner(to);
  return relationship;
}

// Equal but for the fields a write stamps.
bool SameContent(pv1::Relationship a, pv1::Relationship b) {
  for (pv1::Relationship* r : {&a, &b}) {
    r->clear_update_time();
    r->clear_etag();
  }
  return MessageDifferencer::Equals(a, b);
}

TEST_CASE("merge: relationships move to the survivor, those it cannot hold are dropped",
          "[partners][merge]") {
  Crm crm;
  const pv1::Partner survivor = crm.Create(Person("Anna", "Meier"));
  const pv1::Partner other = crm.Create(Person("Anne", "Meyer"));
  const pv1::Partner acme = crm.Create(Organization("Acme AG"));
  const pv1::Partner bolt = crm.Create(Organization("Bolt GmbH"));

  pv1::Relationship contact = Link(kContact, acme, other);
  contact.mutable_contact_person()->set_department("Purchasing");
  contact = crm.Relate(contact);
  pv1::Relationship shares = Link(kShareholder, other, acme);
  shares.mutable_shareholder()->set_share_basis_points(2500);
  shares = crm.Relate(shares);
  // Bolt's contact is the survivor since 2020; the other was contact before,
  // and again since 2021.
  pv1::Relationship held = Link(kContact, bolt, survivor);
  *held.mutable_valid_from() = MakeDate(2020, 1, 1);
  held = crm.Relate(held);
  pv1::Relationship earlier = Link(kContact, bolt, other);
  *earlier.mutable_valid_from() = MakeDate(2015, 1, 1);
  *earlier.mutable_valid_to() = MakeDate(2019, 12, 31);
  earlier = crm.Relate(earlier);
  pv1::Relationship repeat = Link(kContact, bolt, other);
  *repeat.mutable_valid_from() = MakeDate(2021, 1, 1);
  repeat = crm.Relate(repeat);
  const pv1::Relationship marriage = crm.Relate(Link(kMarried, survivor, other));

  const auto response = crm.Merge(MergeRequest(survivor, {other}));

  // Moved: the survivor in the merged partner's place, attributes kept.
  CHECK(NamesOf(response.moved_relationships()) ==
        Names{contact.name(), shares.name(), earlier.name()});
  for (const pv1::Relationship& moved : response.moved_relationships()) {
    INFO("relationship " << moved.name());
    const pv1::Relationship* before = moved.name() == contact.name()  ? &contact
                                      : moved.name() == shares.name() ? &shares
                                                                      : &earlier;
    CHECK(SameContent(moved, Repointed(*before, other.name(), survivor.name())));
    CHECK(moved.etag() != before->etag());
    CHECK(MessageDifferencer::Equals(
        crm.Ok(&Stub::GetRelationship, Named<pv1::GetRelationshipRequest>(moved.name())), moved));
  }

  // Dropped: deleted, reported as they were, with the reason.
  std::map<std::string, std::string> reasons;
  for (const pv1::DroppedRelationship& dropped : response.dropped_relationships()) {
    reasons[dropped.relationship().name()] = dropped.reason();
    const pv1::Relationship& before =
        dropped.relationship().name() == repeat.name() ? repeat : marriage;
    CHECK(MessageDifferencer::Equals(dropped.relationship(), before));
    CHECK(Outcome(crm.Try(&Stub::GetRelationship,
                          Named<pv1::GetRelationshipRequest>(dropped.relationship().name()))) ==
          "NOT_FOUND");
  }
  CHECK(reasons == std::map<std::string, std::string>{{repeat.name(), kRepeat},
                                                      {marriage.name(), kWithItself}});

  // Readable from both sides; nothing is left with the merged partner.
  auto names = [](const std::vector<pv1::Relationship>& relationships) {
    Names out;
    for (const auto& r : relationships) out.insert(r.name());
    return out;
  };
  CHECK(names(crm.RelationshipsOf(survivor.name())) ==
        Names{contact.name(), shares.name(), held.name(), earlier.name()});
  CHECK(names(crm.RelationshipsOf(acme.name())) == Names{contact.name(), shares.name()});
  CHECK(names(crm.RelationshipsOf(bolt.name())) == Names{held.name(), earlier.name()});
  CHECK(crm.RelationshipsOf(other.name()).empty());
}

TEST_CASE("merge: a hierarchy move that would make a cycle or a second parent is dropped",
          "[partners][merge]") {
  Crm crm;
  const pv1::Partner survivor = crm.Create(Organization("Acme AG"));
  const pv1::Partner parent = crm.Create(Organization("Acme Holding AG"));
  const pv1::Partner subsidiary = crm.Create(Organization("Acme Services GmbH"));
  const pv1::Partner other_parent = crm.Create(Organization("Bolt Holding AG"));
  const pv1::Partner below = crm.Create(Organization("ACME AG"));    // below the subsidiary
  const pv1::Partner beside = crm.Create(Organization("Acme AG."));  // in another hierarchy
  crm.Relate(Link(kSubsidiary, survivor, parent));
  crm.Relate(Link(kSubsidiary, subsidiary, survivor));
  const pv1::Relationship cycle = crm.Relate(Link(kSubsidiary, below, subsidiary));
  const pv1::Relationship second = crm.Relate(Link(kSubsidiary, beside, other_parent));

  const auto response = crm.Merge(MergeRequest(survivor, {below, beside}));

  CHECK(response.moved_relationships().empty());
  std::map<std::string, std::string> reasons;
  for (const pv1::DroppedRelationship& dropped : response.dropped_relationships()) {
    reasons[dropped.relationship().name()] = dropped.reason();
  }
  CHECK(reasons ==
        std::map<std::string, std::string>{{cycle.name(), kCycle}, {second.name(), kSecondParent}});
  pv1::GetPartnerHierarchyResponse hierarchy =
      crm.Ok(&Stub::GetPartnerHierarchy, Named<pv1::GetPartnerHierarchyRequest>(survivor.name()));
  Strings nodes;
  for (const auto& node : hierarchy.nodes()) nodes.push_back(node.partner());
  CHECK(nodes == Strings{parent.name(), survivor.name(), subsidiary.name()});
}

TEST_CASE("merge: a relationship between two merged partners is dropped", "[partners][merge]") {
  Crm crm;
  const pv1::Partner survivor = crm.Create(Person("Anna", "Meier"));
  const pv1::Partner first = crm.Create(Person("Anne", "Meyer"));
  const pv1::Partner second = crm.Create(Person("Anne", "Mayer"));
  const pv1::Relationship marriage = crm.Relate(Link(kMarried, first, second));

  const auto response = crm.Merge(MergeRequest(survivor, {first, second}));

  // Both sides became the survivor: the relationship is gone, and reported
  // as dropped with the reason.
  REQUIRE(response.dropped_relationships_size() == 1);
  CHECK(response.dropped_relationships(0).relationship().name() == marriage.name());
  CHECK(response.dropped_relationships(0).reason() == kWithItself);
  CHECK(Outcome(crm.Try(&Stub::GetRelationship,
                        Named<pv1::GetRelationshipRequest>(marriage.name()))) == "NOT_FOUND");
  CHECK(crm.RelationshipsOf(survivor.name()).empty());
  // Reported as it was before the merge, and never as moved.
  CHECK(MessageDifferencer::Equals(response.dropped_relationships(0).relationship(), marriage));
  CHECK(response.moved_relationships_size() == 0);
}

TEST_CASE("merge: consent history moves to the survivor and decides for it", "[partners][merge]") {
  Crm crm;
  constexpr auto kEmail = pv1::CONTACT_CHANNEL_EMAIL;
  constexpr auto kPhone = pv1::CONTACT_CHANNEL_PHONE;
  constexpr auto kMarketing = pv1::CONTACT_PURPOSE_MARKETING;
  constexpr auto kSales = pv1::CONTACT_PURPOSE_SALES;
  constexpr auto kService = pv1::CONTACT_PURPOSE_SERVICE;
  using Grant = pv1::GrantConsentRequest;
  using Withdraw = pv1::WithdrawConsentRequest;

  pv1::Partner survivor = Person("Anna", "Meier");
  AddEmail(&survivor, "anna@example.com");
  survivor = crm.Create(survivor);
  pv1::Partner other = Person("Anne", "Meyer");
  AddEmail(&other, "anne@example.org");
  AddPhone(&other, "+4930123456");
  other = crm.Create(other);
  const std::string& s = survivor.name();
  const std::string& o = other.name();
  // The name a record of the other partner gets below the survivor.
  auto below_survivor = [&](const pv1::ConsentRecord& record) {
    return absl::StrCat(s, record.name().substr(o.size()));
  };

  // E-mail marketing: the survivor's grant is newer than the other's withdrawal.
  const auto marketing =
      crm.Ok(&Stub::GrantConsent, Decision<Grant>(s, kEmail, kMarketing, absl::Hours(72)));
  crm.Ok(&Stub::WithdrawConsent, Decision<Withdraw>(o, kEmail, kMarketing, absl::Hours(120)));
  // E-mail service: the other's grant is newer than the survivor's withdrawal.
  crm.Ok(&Stub::WithdrawConsent, Decision<Withdraw>(s, kEmail, kService, absl::Hours(48)));
  const auto service =
      crm.Ok(&Stub::GrantConsent, Decision<Grant>(o, kEmail, kService, absl::Hours(24)));
  // Phone sales: only the other decided, and only it has a phone number.
  const auto sales =
      crm.Ok(&Stub::GrantConsent, Decision<Grant>(o, kPhone, kSales, absl::Hours(24)));
  const std::vector<pv1::ConsentRecord> history = crm.ConsentOf(o);
  REQUIRE(history.size() == 3);
  REQUIRE(crm.Check(s, kEmail, kService).reason() ==
          pv1::CONTACT_DECISION_REASON_CONSENT_WITHDRAWN);
  REQUIRE(crm.Check(s, kPhone, kSales).reason() == pv1::CONTACT_DECISION_REASON_NO_CONSENT);

  const auto response = crm.Merge(MergeRequest(survivor, {other}));

  // Each record moved whole, only renamed below the survivor.
  REQUIRE(response.moved_consent_records_size() == 3);
  std::map<std::string, pv1::ConsentRecord> moved;
  for (const pv1::ConsentRecord& record : response.moved_consent_records()) {
    moved[record.name()] = record;
  }
  for (const pv1::ConsentRecord& record : history) {
    INFO("record " << record.name());
    pv1::ConsentRecord renamed = record;
    renamed.set_name(below_survivor(record));
    REQUIRE(moved.count(renamed.name()) == 1);
    CHECK(MessageDifferencer::Equals(moved[renamed.name()], renamed));
  }

  // The survivor's history holds both; the other's is empty.
  Names held;
  for (const auto& record : crm.ConsentOf(s)) held.insert(record.name());
  CHECK(held.size() == 5);
  for (const auto& [name, record] : moved) CHECK(held.count(name) == 1);
  CHECK(crm.ConsentOf(o).empty());

  // The newest decision holds, whichever partner made it.
  const auto email_marketing = crm.Check(s, kEmail, kMarketing);
  CHECK(email_marketing.allowed());
  CHECK(email_marketing.consent_record() == marketing.name());
  const auto email_service = crm.Check(s, kEmail, kService);
  CHECK(email_service.allowed());
  CHECK(email_service.consent_record() == below_survivor(service));
  const auto phone_sales = crm.Check(s, kPhone, kSales);
  CHECK(phone_sales.allowed());
  CHECK(phone_sales.consent_record() == below_survivor(sales));
}

TEST_CASE("merge: every changed record is on the change feed and in the audit trails",
          "[partners][merge]") {
  Crm crm;
  const pv1::Partner survivor = crm.Create(Person("Anna", "Meier"));
  pv1::Partner other = Person("Anne", "Meyer");
  AddEmail(&other, "anne@example.org");
  other = crm.Create(other);
  const pv1::Partner acme = crm.Create(Organization("Acme AG"));
  const pv1::Relationship contact = crm.Relate(Link(kContact, acme, other));
  const pv1::ConsentRecord grant =
      crm.Ok(&Stub::GrantConsent,
             Decision<pv1::GrantConsentRequest>(other.name(), pv1::CONTACT_CHANNEL_EMAIL,
                                                pv1::CONTACT_PURPOSE_SALES, absl::Hours(1)));
  const std::string& s = survivor.name();
  const std::string& o = other.name();
  const int64_t head = crm.Head();
  const size_t survivor_events = crm.Audit(s).size();
  const size_t other_events = crm.Audit(o).size();

  pv1::MergePartnersRequest request = MergeRequest(survivor, {other});
  request.set_request_id("merge-feed");
  const auto response = crm.Merge(request);
  REQUIRE(response.moved_consent_records_size() == 1);
  REQUIRE(response.moved_relationships_size() == 1);
  const pv1::ConsentRecord& moved_grant = response.moved_consent_records(0);

  // One change per record written, each with its state after the merge.
  const std::vector<fv1::Change> changes = crm.ChangesAfter(head);
  std::multiset<std::string> seen;
  for (const fv1::Change& change : changes) {
    INFO("change " << change.sequence() << " of " << change.resource_name());
    seen.insert(absl::StrCat(fv1::ChangeKind_Name(change.kind()), " ", change.resource_name()));
    CHECK(change.method() == "MergePartners");
    pv1::Partner partner;
    pv1::ConsentRecord record;
    pv1::Relationship relationship;
    if (change.resource_name() == s) {
      REQUIRE(change.resource().UnpackTo(&partner));
      CHECK(MessageDifferencer::Equals(partner, response.survivor()));
      CHECK(change.request_id() == "merge-feed");
    } else if (change.resource_name() == o) {
      REQUIRE(change.resource().UnpackTo(&partner));
      CHECK(partner.state() == kMerged);
      CHECK(partner.merged_into() == s);
      CHECK(MessageDifferencer::Equals(partner, response.merged_partners(0)));
      CHECK(change.request_id() == "merge-feed");
    } else if (change.resource_name() == moved_grant.name()) {
      REQUIRE(change.resource().UnpackTo(&record));
      CHECK(MessageDifferencer::Equals(record, moved_grant));
      CHECK(change.request_id() == "merge-feed");
    } else if (change.resource_name() == grant.name()) {
      CHECK_FALSE(change.has_resource());
    } else if (change.resource_name() == contact.name()) {
      REQUIRE(change.resource().UnpackTo(&relationship));
      CHECK(MessageDifferencer::Equals(relationship, response.moved_relationships(0)));
    }
  }
  CHECK(seen == std::multiset<std::string>{"CHANGE_KIND_UPDATED " + s, "CHANGE_KIND_UPDATED " + o,
                                           "CHANGE_KIND_DELETED " + grant.name(),
                                           "CHANGE_KIND_CREATED " + moved_grant.name(),
                                           "CHANGE_KIND_UPDATED " + contact.name()});

  // The survivor's trail: its own change, the consent record and the
  // relationship it gained.
  const std::vector<pv1::AuditEvent> survivor_audit = crm.Audit(s);
  REQUIRE(survivor_audit.size() == survivor_events + 3);
  Names survivor_resources;
  for (size_t i = 0; i < 3; ++i) {
    CHECK(survivor_audit[i].method() == "MergePartners");
    survivor_resources.insert(survivor_audit[i].resource());
  }
  CHECK(survivor_resources == Names{s, moved_grant.name(), contact.name()});

  // The merged partner's trail: its state, and the consent record it lost.
  const std::vector<pv1::AuditEvent> other_audit = crm.Audit(o);
  REQUIRE(other_audit.size() >= other_events + 2);
  std::map<std::string, std::string> state_changes;  // field -> new value
  Names other_resources;
  for (size_t i = 0; i < other_audit.size() - other_events; ++i) {
    const pv1::AuditEvent& event = other_audit[i];
    CHECK(event.method() == "MergePartners");
    other_resources.insert(event.resource());
    if (event.resource() != o) continue;
    CHECK(event.request_id() == "merge-feed");
    for (const auto& change : event.changes()) state_changes[change.field()] = change.new_value();
  }
  CHECK(other_resources.count(o) == 1);
  CHECK(other_resources.count(grant.name()) == 1);
  CHECK(state_changes["state"] == "PARTNER_STATE_MERGED");
  CHECK(state_changes["merged_into"] == absl::StrCat("\"", s, "\""));
}

}  // namespace
}  // namespace crm::partners::testing::merge_testing
