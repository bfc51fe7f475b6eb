import { Box } from '@mantine/core';
import { Component, type ReactNode } from 'react';
import { LoadError } from './states';

interface ErrorBoundaryProps {
  children: ReactNode;
  /** A new value (e.g. another address) clears the error shown. */
  resetKey?: unknown;
}

type ErrorBoundaryState = { failed: false } | { failed: true; error: unknown };

/**
 * A part of the app that cannot be shown (its code failed to download, or it broke while
 * rendering) becomes an error message, instead of taking the whole app down with it.
 */
export class ErrorBoundary extends Component<ErrorBoundaryProps, ErrorBoundaryState> {
  override state: ErrorBoundaryState = { failed: false };

  static getDerivedStateFromError(error: unknown): ErrorBoundaryState {
    return { failed: true, error };
  }

  override componentDidUpdate(previous: ErrorBoundaryProps) {
    if (this.state.failed && previous.resetKey !== this.props.resetKey) this.setState({ failed: false });
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <Box p="md">
        <LoadError title="Could not show this page: reloading it may help" error={this.state.error} />
      </Box>
    );
  }
}
