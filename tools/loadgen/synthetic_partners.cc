#include "tools/loadgen/synthetic_partners.h"

#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace crm::loadgen {
namespace {

namespace v1 = crm::partners::v1;

constexpr const char* kGivenNames[] = {
    "Anna", "Jürgen", "Maria", "José", "Léa", "Lukas", "Sofia", "Mateo", "Emma", "Noah",
    "Olivia", "Liam", "Chloé", "Hugo", "Björn", "Ingrid", "Zoë", "François", "Inés", "Álvaro",
    "Marta", "Pablo", "Lucía", "Javier", "Carmen", "Mia", "Ben", "Hanna", "Paul", "Lena",
    "Felix", "Clara", "Jonas", "Laura", "Elias", "Julia", "Leon", "Amelie", "Finn", "Lea",
    "Oliver", "Charlotte", "George", "Amelia", "Harry", "Isla", "Jack", "Ava", "Thomas", "Grace",
    "Søren", "Åsa", "Matteo", "Giulia", "Lorenzo", "Chiara", "Tomasz", "Zofia", "Jan", "Eva"};

constexpr const char* kFamilyNames[] = {
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
    "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann",
    "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Schmid",
    "García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez",
    "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz",
    "Álvarez", "Romero", "Alonso", "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez",
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
    "Hall", "Wood", "Jackson", "Clarke", "Martin", "Bernard", "Dubois", "Thomas",
    "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent",
    "Lefèvre", "Michel", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Müller-Lüdenscheidt",
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
    "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa",
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
    "Jansen", "de Jong", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Novák", "Svoboda", "Novotný", "Dvořák", "Černý", "Procházka", "Kučera", "Veselý",
    "Horváth", "Kovács", "Tóth", "Szabó", "Nagy", "Varga", "Kiss", "Molnár"};

constexpr const char* kCompanyWords[] = {
    "Maschinenbau", "Logistik", "Consulting", "Software", "Elektro", "Bau", "Handel",
    "Systems", "Foods", "Textil", "Medical", "Energy", "Solutions", "Automotive", "Pharma",
    "Retail", "Metall", "Digital", "Services", "Holding"};

constexpr const char* kLegalForms[] = {"GmbH", "AG", "S.L.", "Ltd", "SAS", "S.p.A.", "B.V.",
                                       "KG"};

constexpr City kCities[] = {
    {"Berlin", "10115", "DE"},     {"Hamburg", "20095", "DE"},   {"München", "80331", "DE"},
    {"Köln", "50667", "DE"},       {"Frankfurt am Main", "60311", "DE"},
    {"Stuttgart", "70173", "DE"},  {"Düsseldorf", "40213", "DE"}, {"Leipzig", "04109", "DE"},
    {"Dresden", "01067", "DE"},    {"Nürnberg", "90402", "DE"},  {"Madrid", "28013", "ES"},
    {"Barcelona", "08002", "ES"},  {"Valencia", "46002", "ES"},  {"Sevilla", "41004", "ES"},
    {"Zaragoza", "50001", "ES"},   {"Málaga", "29015", "ES"},    {"Bilbao", "48005", "ES"},
    {"London", "EC1A 1BB", "GB"},  {"Manchester", "M1 1AE", "GB"}, {"Birmingham", "B1 1AA", "GB"},
    {"Leeds", "LS1 1UR", "GB"},    {"Paris", "75001", "FR"},     {"Lyon", "69001", "FR"},
    {"Marseille", "13001", "FR"},  {"Toulouse", "31000", "FR"},  {"Nice", "06000", "FR"},
    {"Roma", "00184", "IT"},       {"Milano", "20121", "IT"},    {"Napoli", "80133", "IT"},
    {"Torino", "10121", "IT"},     {"Warszawa", "00-001", "PL"}, {"Kraków", "30-001", "PL"},
    {"Amsterdam", "1012", "NL"},   {"Rotterdam", "3011", "NL"},  {"Stockholm", "111 20", "SE"},
    {"Göteborg", "411 03", "SE"},  {"København", "1050", "DK"},  {"Praha", "110 00", "CZ"},
    {"Brno", "602 00", "CZ"},      {"Budapest", "1051", "HU"},   {"Wien", "1010", "AT"},
    {"Graz", "8010", "AT"},        {"Zürich", "8001", "CH"},     {"Genève", "1201", "CH"},
    {"Bruxelles", "1000", "BE"},   {"Antwerpen", "2000", "BE"},  {"Lisboa", "1100-148", "PT"},
    {"Porto", "4000-322", "PT"},   {"Dublin", "D01 F5P2", "IE"}, {"Oslo", "0150", "NO"}};

// A fixed permutation-like mix, so neighbours differ in every part.
uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

template <typename T, size_t N>
const T& Pick(const T (&list)[N], uint64_t value) {
  return list[value % N];
}

// ASCII form of a name for an e-mail local part.
std::string MailPart(const std::string& name) {
  std::string part;
  for (char c : name) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) part += absl::ascii_tolower(c);
  }
  return part.empty() ? "x" : part;
}

}  // namespace

SyntheticParts PartsOf(int64_t k) {
  const uint64_t h = Mix(static_cast<uint64_t>(k));
  SyntheticParts parts;
  parts.is_organization = (h % 10) < 3;
  parts.family_name = Pick(kFamilyNames, h >> 8);
  parts.given_name = parts.is_organization ? "" : Pick(kGivenNames, h >> 20);
  parts.city = Pick(kCities, h >> 32);
  parts.email = absl::StrCat(MailPart(parts.given_name.empty() ? "info" : parts.given_name), ".",
                             MailPart(parts.family_name), ".", k, "@example.com");
  parts.phone = absl::StrCat("+49", 1500000000 + k);
  return parts;
}

v1::Partner SyntheticPartner(int64_t k) {
  const SyntheticParts parts = PartsOf(k);
  const uint64_t h = Mix(static_cast<uint64_t>(k) ^ 0x5bd1e995u);
  v1::Partner partner;
  if (parts.is_organization) {
    partner.set_category(v1::PARTNER_CATEGORY_ORGANIZATION);
    partner.mutable_organization()->set_legal_name(
        absl::StrCat(parts.family_name, " ", Pick(kCompanyWords, h)));
    partner.mutable_organization()->set_legal_form(Pick(kLegalForms, h >> 16));
  } else {
    partner.set_category(v1::PARTNER_CATEGORY_PERSON);
    partner.mutable_person()->set_given_name(parts.given_name);
    partner.mutable_person()->set_family_name(parts.family_name);
  }
  v1::Address* address = partner.add_addresses();
  address->set_type(parts.is_organization ? v1::ADDRESS_TYPE_BUSINESS : v1::ADDRESS_TYPE_PRIVATE);
  address->add_street_lines(absl::StrCat("Hauptstraße ", 1 + (h >> 24) % 200));
  address->set_city(parts.city.name);
  address->set_postal_code(parts.city.postal_code);
  address->set_country_code(parts.city.country_code);
  partner.add_email_addresses()->set_address(parts.email);
  v1::PhoneNumber* phone = partner.add_phone_numbers();
  phone->set_number(parts.phone);
  phone->set_type(v1::PHONE_TYPE_MOBILE);
  return partner;
}

}  // namespace crm::loadgen
