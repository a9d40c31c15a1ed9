// MediaWiki's canonical form of a user name for the tests: underscores are spaces, no surrounding
// space, first letter upper case ($wgCapitalLinks, the default). What the wiki stores and what its
// maintenance scripts and session metadata compare against.

export function canonicalUserName(name: string): string {
  const trimmed = name.replace(/_/g, ' ').trim();
  return trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
}
