import React, { type ReactNode } from 'react';

interface Props {
  fallback: ReactNode;
  /** When it changes (the bot edited the post), the card is tried again. */
  resetKey: unknown;
  children: ReactNode;
}

interface State {
  failed: boolean;
  key: unknown;
}

/** Anything a card throws while rendering shows the fallback instead of blanking the channel. */
export class ErrorBoundary extends React.Component<Props, State> {
  override state: State = { failed: false, key: this.props.resetKey };

  static getDerivedStateFromError(): Partial<State> {
    return { failed: true };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey === state.key ? null : { failed: false, key: props.resetKey };
  }

  override render(): ReactNode {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}
