import { Mark } from '@mantine/core';

export interface HighlightedPart {
  text: string;
  match: boolean;
}

/** Text with its matches in <mark>: the server sends plain text in parts, rendered as text (never as HTML). */
export function Highlighted({ parts }: { parts: HighlightedPart[] }) {
  return (
    <>
      {parts.map((part, i) =>
        part.match ? (
          <Mark key={i} color="yellow">
            {part.text}
          </Mark>
        ) : (
          part.text
        ),
      )}
    </>
  );
}
