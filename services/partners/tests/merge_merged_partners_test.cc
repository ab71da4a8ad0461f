// MergePartners over a real gRPC channel and a real SQLite file, the merged
// partners afterwards: in state MERGED, resolved by GetPartner to the
// survivor (also along a chain of merges), left out of lists and search and
// taking no writes; erased with their survivor or on their own; and deleted
// only with their survivor.
#include <string>
#include <vector>

#include "services/partners/tests/merge_suite.h"

namespace crm::partners::testing::merge_testing {
namespace {

using crm::testing::ErrorReason;

TEST_CASE("merge: merged partners resolve to the survivor, leave lists and search, take no writes",
          "[partners][merge]") {
  Crm crm;
  const pv1::Partner survivor = crm.Create(Person("Anna", "Meier"));
  pv1::Partner other = Person("Anne", "Meyer");
  AddEmail(&other, "anne.meyer@example.org");
  AddRole(&other, pv1::ROLE_TYPE_PROSPECT);
  other = crm.Create(other);
  const pv1::Partner organization = crm.Create(Organization("Acme AG"));
  REQUIRE(crm.Found("anne.meyer@example.org") == Names{other.name()});

  const auto response = crm.Merge(MergeRequest(survivor, {other}));

  // The record stays, merged.
  const pv1::Partner stored = crm.Stored(other.name());
  CHECK(stored.state() == kMerged);
  CHECK(stored.merged_into() == survivor.name());
  CHECK(stored.person().family_name() == "Meyer");
  REQUIRE(response.merged_partners_size() == 1);
  CHECK(MessageDifferencer::Equals(response.merged_partners(0), stored));

  // GetPartner answers with the survivor, under the survivor's name.
  const pv1::Partner got = crm.Get(other.name());
  CHECK(got.name() == survivor.name());
  CHECK(MessageDifferencer::Equals(got, crm.Get(survivor.name())));
  CHECK(MessageDifferencer::Equals(got, response.survivor()));

  // Lists and search show the survivor only, found by the merged partner's e-mail.
  CHECK(crm.Listed() == Names{survivor.name(), organization.name()});
  CHECK(crm.Found("anne.meyer@example.org") == Names{survivor.name()});

  // Writes are refused, and change nothing.
  auto expect_refused = [&](const grpc::Status& status) {
    INFO(status.error_message());
    CHECK(Outcome(status) == "FAILED_PRECONDITION");
    CHECK(PreconditionType(status) == "STATE");
  };
  pv1::UpdatePartnerRequest update;
  update.mutable_partner()->set_name(other.name());
  update.mutable_partner()->mutable_person()->set_family_name("Neumann");
  update.mutable_update_mask()->add_paths("person.family_name");
  expect_refused(crm.Try(&Stub::UpdatePartner, update));
  auto add = Named<pv1::AddPartnerRoleRequest>(other.name());
  add.mutable_role()->set_type(pv1::ROLE_TYPE_VENDOR);
  expect_refused(crm.Try(&Stub::AddPartnerRole, add));
  auto remove = Named<pv1::RemovePartnerRoleRequest>(other.name());
  remove.set_role_type(pv1::ROLE_TYPE_PROSPECT);
  expect_refused(crm.Try(&Stub::RemovePartnerRole, remove));
  expect_refused(crm.Try(&Stub::GrantConsent, Decision<pv1::GrantConsentRequest>(
                                                  other.name(), pv1::CONTACT_CHANNEL_EMAIL,
                                                  pv1::CONTACT_PURPOSE_SALES, absl::Hours(1))));
  pv1::CreateRelationshipRequest relate;
  *relate.mutable_relationship() = Link(kContact, organization, other);
  expect_refused(crm.Try(&Stub::CreateRelationship, relate));
  CHECK(MessageDifferencer::Equals(crm.Stored(other.name()), stored));

  // Nobody may contact it by its old name.
  const auto decision =
      crm.Check(other.name(), pv1::CONTACT_CHANNEL_EMAIL, pv1::CONTACT_PURPOSE_SALES);
  CHECK_FALSE(decision.allowed());
  CHECK(decision.reason() == pv1::CONTACT_DECISION_REASON_PARTNER_INACTIVE);
}

TEST_CASE("merge: along a chain of merges every name resolves to the last survivor",
          "[partners][merge]") {
  Crm crm;
  pv1::Partner a = Person("Anna", "Meier");
  AddEmail(&a, "a@example.com");
  a = crm.Create(a);
  const pv1::Partner b = crm.Create(Person("Anna", "Meyer"));
  const pv1::Partner c = crm.Create(Person("Anna", "Mayer"));

  crm.Merge(MergeRequest(b, {a}));
  const int64_t head = crm.Head();
  const auto response = crm.Merge(MergeRequest(c, {b}));

  for (const pv1::Partner& partner : {a, b}) {
    INFO("partner " << partner.name());
    CHECK(crm.Get(partner.name()).name() == c.name());
    const pv1::Partner stored = crm.Stored(partner.name());
    CHECK(stored.state() == kMerged);
    CHECK(stored.merged_into() == c.name());  // one step, not through b
  }
  CHECK(Emails(crm.Get(c.name())) == Strings{"a@example.com"});  // a's data went along with b's
  REQUIRE(response.merged_partners_size() == 1);
  CHECK(response.merged_partners(0).name() == b.name());

  // a's new survivor is on the feed.
  bool a_repointed = false;
  for (const fv1::Change& change : crm.ChangesAfter(head)) {
    pv1::Partner published;
    if (change.resource_name() == a.name() && change.resource().UnpackTo(&published)) {
      a_repointed = published.merged_into() == c.name() && published.state() == kMerged;
    }
  }
  CHECK(a_repointed);
}

TEST_CASE("merge: erasing a survivor also erases the partners merged into it",
          "[partners][merge]") {
  Crm crm;
  pv1::Partner a = Person("Ottiliane", "Zwetschgenkamp");
  AddEmail(&a, "o.zk4711@mailbox.example");
  a = crm.Create(a);
  const pv1::Partner b = crm.Create(Person("Otti", "Zwetschgenkamp"));
  const pv1::Partner c = crm.Create(Person("Ottilie", "Zwetschgenkamp"));
  const pv1::Partner bystander = crm.Create(Person("Bert", "Berg"));
  crm.Merge(MergeRequest(b, {a}));
  crm.Merge(MergeRequest(c, {b}));

  const pv1::Partner erased =
      crm.Ok(&Stub::ErasePartner, Named<pv1::ErasePartnerRequest>(c.name()));
  CHECK(erased.state() == pv1::PARTNER_STATE_ERASED);

  for (const pv1::Partner& partner : {a, b, c}) {
    INFO("partner " << partner.name());
    const pv1::Partner stored = crm.Stored(partner.name());
    CHECK(stored.state() == pv1::PARTNER_STATE_ERASED);
    CHECK_FALSE(stored.has_person());
    CHECK(stored.email_addresses().empty());
    pv1::Partner ignored;
    const grpc::Status get =
        crm.Call(&Stub::GetPartner, Named<pv1::GetPartnerRequest>(partner.name()), &ignored);
    CHECK(Outcome(get) == "NOT_FOUND");
    CHECK(ErrorReason(get) == "PARTNER_ERASED");
  }
  CHECK(crm.Found("Zwetschgenkamp").empty());
  CHECK(crm.Listed() == Names{bystander.name()});
  CHECK(crm.Get(bystander.name()).etag() == bystander.etag());
}

TEST_CASE("merge: a merged partner can be erased on its own", "[partners][merge]") {
  Crm crm;
  const pv1::Partner survivor = crm.Create(Person("Anna", "Meier"));
  pv1::Partner other = Person("Anne", "Meyer");
  AddEmail(&other, "anne@example.org");
  other = crm.Create(other);
  const pv1::Partner merged = crm.Merge(MergeRequest(survivor, {other})).survivor();

  const pv1::Partner erased =
      crm.Ok(&Stub::ErasePartner, Named<pv1::ErasePartnerRequest>(other.name()));
  CHECK(erased.name() == other.name());
  CHECK(erased.state() == pv1::PARTNER_STATE_ERASED);
  CHECK_FALSE(erased.has_person());
  CHECK(MessageDifferencer::Equals(crm.Stored(other.name()), erased));

  // Its name no longer resolves to the survivor, which stays as it was.
  pv1::Partner ignored;
  const grpc::Status get =
      crm.Call(&Stub::GetPartner, Named<pv1::GetPartnerRequest>(other.name()), &ignored);
  CHECK(Outcome(get) == "NOT_FOUND");
  CHECK(ErrorReason(get) == "PARTNER_ERASED");
  CHECK(MessageDifferencer::Equals(crm.Get(survivor.name()), merged));

  // Erasing the survivor later leaves the erased partner as it is.
  crm.Ok(&Stub::ErasePartner, Named<pv1::ErasePartnerRequest>(survivor.name()));
  CHECK(crm.Stored(survivor.name()).state() == pv1::PARTNER_STATE_ERASED);
  CHECK(MessageDifferencer::Equals(crm.Stored(other.name()), erased));
}

TEST_CASE("merge: a merged partner cannot be deleted, deleting the survivor deletes it too",
          "[partners][merge]") {
  Crm crm;
  const pv1::Partner survivor = crm.Create(Person("Anna", "Meier"));
  const pv1::Partner first = crm.Create(Person("Anne", "Meyer"));
  const pv1::Partner bystander = crm.Create(Person("Bert", "Berg"));
  crm.Merge(MergeRequest(survivor, {first}));

  const grpc::Status refused =
      crm.Try(&Stub::DeletePartner, Named<pv1::DeletePartnerRequest>(first.name()));
  CHECK(Outcome(refused) == "FAILED_PRECONDITION");
  CHECK(crm.Stored(first.name()).state() == pv1::PARTNER_STATE_MERGED);

  crm.Ok(&Stub::DeletePartner, Named<pv1::DeletePartnerRequest>(survivor.name()));
  for (const pv1::Partner& gone : {survivor, first}) {
    pv1::Partner ignored;
    INFO(gone.name());
    CHECK(Outcome(crm.Call(&Stub::GetPartner, Named<pv1::GetPartnerRequest>(gone.name()),
                           &ignored)) == "NOT_FOUND");
  }
  CHECK(crm.Get(bystander.name()).name() == bystander.name());
}

}  // namespace
}  // namespace crm::partners::testing::merge_testing
