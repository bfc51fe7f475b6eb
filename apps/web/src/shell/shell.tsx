import { AppShell, Burger, Group, NavLink, Title } from '@mantine/core';
import { useDisclosure, useReducedMotion } from '@mantine/hooks';
import { Suspense, useEffect, type ComponentType } from 'react';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { useSupervises } from '../auth/use-supervises';
import type { SignedInUser } from '../auth/user';
import { NotificationBell } from '../notifications/bell';
import { ReadFromDeepLink } from '../notifications/read-from-deep-link';
import { HeaderSearch } from '../search/header-search';
import { ErrorBoundary } from '../ui/error-boundary';
import { Empty, Loading } from '../ui/states';
import { ConnectionIndicator } from './connection-indicator';
import { LIVE_TOPICS } from './live-topics';
import { ApprovalsPage, AssignedPage, GoalDetailPage, MENU_PAGES, MyGoalsPage, NotificationHistoryPage, ReportsPage, SearchPage, TeamPage, type PageProps } from './pages';
import { MAIN_ID, mainClass, SkipLink } from './skip-link';
import { UserMenu } from './user-menu';

interface Section {
  href: string;
  label: string;
  page: ComponentType<PageProps>;
  /** In the navigation only for people who approve or assign goals. */
  supervisorsOnly?: boolean;
}

const SECTIONS: Section[] = [
  { href: '/goals', label: 'My goals', page: MyGoalsPage },
  { href: '/assigned', label: 'Assigned to me', page: AssignedPage },
  { href: '/team', label: 'Team', page: TeamPage, supervisorsOnly: true },
  { href: '/approvals', label: 'Pending approvals', page: ApprovalsPage, supervisorsOnly: true },
  { href: '/notifications', label: 'Notifications', page: NotificationHistoryPage },
  { href: '/reports', label: 'Reports', page: ReportsPage, supervisorsOnly: true },
];

export function Shell({ user }: { user: SignedInUser }) {
  const [navOpen, nav] = useDisclosure(false);
  const reduceMotion = useReducedMotion();
  const [location] = useLocation();
  const supervises = useSupervises(user) ?? false;

  const closeNav = nav.close;
  useEffect(closeNav, [location, closeNav]); // the mobile menu closes once a page is chosen

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !navOpen } }}
      padding={{ base: 'sm', sm: 'lg' }}
      transitionDuration={reduceMotion ? 0 : 200}
    >
      <SkipLink />
      <AppShell.Header>
        <Group h="100%" px={{ base: 'xs', sm: 'md' }} justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Burger opened={navOpen} onClick={nav.toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Title order={1} size="h4" visibleFrom="xs">
              PMS Goals
            </Title>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <HeaderSearch />
            <ConnectionIndicator />
            <NotificationBell />
            <UserMenu user={user} />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" component="nav" aria-label="Main">
        {SECTIONS.filter((section) => supervises || !section.supervisorsOnly).map((section) => (
          <NavLink
            key={section.href}
            component={Link}
            href={section.href}
            label={section.label}
            active={location === section.href || location.startsWith(`${section.href}/`)}
            aria-current={location === section.href ? 'page' : undefined}
          />
        ))}
      </AppShell.Navbar>

      <AppShell.Main id={MAIN_ID} tabIndex={-1} className={mainClass}>
        {/* While a page's chunk loads, the header and navigation are already in place. */}
        <ErrorBoundary resetKey={location}>
          <Suspense fallback={<Loading label="Loading…" />}>
            <Switch>
              <Route path="/">
                <Redirect to="/goals" replace />
              </Route>
              <Route path="/admin">
                <Redirect to="/admin/users" replace />
              </Route>
              {[...SECTIONS, ...MENU_PAGES].map(({ href, page: Page }) => (
                <Route key={href} path={href}>
                  <Page user={user} />
                </Route>
              ))}
              <Route path="/search">
                <SearchPage />
              </Route>
              <Route path="/goals/:id">{(params) => <GoalDetailPage id={Number(params.id)} />}</Route>
              <Route path="/team/:userId">{(params) => <TeamPage user={user} reportId={Number(params.userId)} />}</Route>
              <Route>
                <Empty title="Page not found" description="There is nothing at this address." />
              </Route>
            </Switch>
          </Suspense>
        </ErrorBoundary>
      </AppShell.Main>

      {LIVE_TOPICS.map(({ topic, Live }) => (
        <Live key={topic} user={user} />
      ))}
      <ReadFromDeepLink />
    </AppShell>
  );
}
