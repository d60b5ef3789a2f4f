/**
 * A deliberately small Markdown subset for the wiki (headings, paragraphs, **bold**,
 * *emphasis*, `code`), with WikiWords linked to their pages. Everything is HTML-escaped
 * first, so page text can never inject markup.
 *
 * @module
 */

const WIKI_WORD = /\b([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+)\b/g;

function escape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

function inline(text: string, link: (word: string) => string): string {
  return escape(text)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/\*([^*]+)\*/g, "<em>$1</em>")
    .replace(WIKI_WORD, (word) => link(word));
}

/** Renders `text` to HTML; `link(word)` makes the anchor for a WikiWord. */
export function renderMarkdown(text: string, link: (word: string) => string): string {
  const blocks = text.replaceAll("\r\n", "\n").split(/\n{2,}/).map((b) => b.trim()).filter(
    Boolean,
  );
  return blocks.map((block) => {
    const heading = /^(#{1,3})\s+(.*)$/.exec(block);
    if (heading && !block.includes("\n")) {
      const level = heading[1].length;
      return `<h${level}>${inline(heading[2], link)}</h${level}>`;
    }
    return `<p>${inline(block, link).replaceAll("\n", "<br>")}</p>`;
  }).join("\n");
}
