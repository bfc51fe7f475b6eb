import { Menu, useMantineColorScheme, VisuallyHidden, type MantineColorScheme } from '@mantine/core';

const CHOICES: Array<{ scheme: MantineColorScheme; label: string }> = [
  { scheme: 'light', label: 'Light' },
  { scheme: 'dark', label: 'Dark' },
  { scheme: 'auto', label: 'Same as system' },
];

/**
 * Light, dark, or following the system (the default); Mantine keeps the choice in localStorage.
 * Mantine's menu items are always role="menuitem" (no aria-checked): the chosen one says so in its name.
 */
export function ColorSchemeItems() {
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  return (
    <>
      <Menu.Label>Appearance</Menu.Label>
      {CHOICES.map(({ scheme, label }) => {
        const chosen = colorScheme === scheme;
        return (
          <Menu.Item
            key={scheme}
            data-chosen={chosen || undefined}
            rightSection={chosen ? <span aria-hidden>✓</span> : undefined}
            closeMenuOnClick={false}
            onClick={() => setColorScheme(scheme)}
          >
            {label}
            {chosen && <VisuallyHidden> (chosen)</VisuallyHidden>}
          </Menu.Item>
        );
      })}
    </>
  );
}
