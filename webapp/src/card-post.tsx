import React, { type ComponentType, useMemo } from 'react';
import type { Card, CardKind } from '../../src/core/card.ts';
import { type HostStore, useBotAuthor } from './bot-author.ts';
import { parseCard } from './card-schema.ts';
import { ChangeCard } from './cards/change-card.tsx';
import { DigestCard } from './cards/digest-card.tsx';
import { IncidentCard } from './cards/incident-card.tsx';
import { StatusCard } from './cards/status-card.tsx';
import type { HostPost, PostTypeProps } from './host.ts';
import { Actions } from './parts/actions.tsx';
import { ErrorBoundary } from './parts/error-boundary.tsx';
import { PlainPost } from './parts/plain-post.tsx';
import { postActions } from './post-action.ts';
import { type Palette, palette as paletteOf } from './theme.ts';

/**
 * The component registered for `custom_matterops_<kind>`: the card when the bot wrote the post
 * (bot-author.ts: anyone can post this type with forged props) and `props.matterops` holds one of
 * that kind, else the post's plain text; either way inside an error boundary, and with the post's
 * buttons. Re-rendered by the web app whenever the bot edits the post.
 */
export function cardPost(kind: CardKind, authors: HostStore): ComponentType<PostTypeProps> {
  function CardPost({ post, theme }: PostTypeProps) {
    const palette = useMemo(() => paletteOf(theme), [theme]);
    const fromBot = useBotAuthor(authors, post.user_id);
    const plain = <PlainPost post={post} palette={palette} />;
    if (!fromBot) return plain;
    return (
      <ErrorBoundary fallback={plain} resetKey={post.props}>
        <CardBody kind={kind} post={post} palette={palette} fallback={plain} />
      </ErrorBoundary>
    );
  }
  CardPost.displayName = `MatteropsCard(${kind})`;
  return CardPost;
}

function CardBody({ kind, post, palette, fallback }: { kind: CardKind; post: HostPost; palette: Palette; fallback: React.ReactElement }) {
  const card = useMemo(() => parseCard(post.props, kind), [post.props, kind]);
  if (!card) return fallback;
  return (
    <div className="matterops" data-card={card.kind}>
      <CardView card={card} palette={palette} />
      <Actions postId={post.id} actions={postActions(post.props)} palette={palette} />
    </div>
  );
}

function CardView({ card, palette }: { card: Card; palette: Palette }) {
  switch (card.kind) {
    case 'status':
      return <StatusCard card={card} palette={palette} />;
    case 'change':
      return <ChangeCard card={card} palette={palette} />;
    case 'incident':
      return <IncidentCard card={card} palette={palette} />;
    case 'digest':
      return <DigestCard card={card} palette={palette} />;
  }
}
